import { describe, expect, test } from 'vitest';
import { ServerMetrics } from '../../../runtime/serving/prometheus.js';

// The metrics keep one count per bucket and sum them when rendered; Prometheus needs cumulative buckets.

describe('server metrics', () => {
  test('latency buckets are cumulative, +Inf counts everything, and series keep their first-seen order', () => {
    const m = new ServerMetrics({ model: 'm', version: 1, digest: 'd' });
    m.request('/invocations', 200, 0.0001, 1); // first bucket
    m.request('/health', 200, 0.0002);
    m.request('/invocations', 200, 0.003, 2); // le=0.005
    m.request('/invocations', 400, 0.003); // le=0.005
    m.request('/invocations', 200, 0.5, 1); // exactly on a bound: counted in it
    m.request('/invocations', 200, 99, 1); // above every bound: +Inf only
    m.batch(1);
    m.batch(5);
    const text = m.text();
    const bucket = (name: string, le: string) => Number(new RegExp(`^${name}_bucket\\{le="${le.replace(/[+.]/g, '\\$&')}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(bucket('mlpipe_request_duration_seconds', '0.0005')).toBe(1);
    expect(bucket('mlpipe_request_duration_seconds', '0.001')).toBe(1);
    expect(bucket('mlpipe_request_duration_seconds', '0.005')).toBe(3);
    expect(bucket('mlpipe_request_duration_seconds', '0.25')).toBe(3);
    expect(bucket('mlpipe_request_duration_seconds', '0.5')).toBe(4);
    expect(bucket('mlpipe_request_duration_seconds', '5')).toBe(4);
    expect(bucket('mlpipe_request_duration_seconds', '+Inf')).toBe(5);
    expect(text).toMatch(/^mlpipe_request_duration_seconds_count 5$/m);
    expect(bucket('mlpipe_batch_rows', '1')).toBe(1);
    expect(bucket('mlpipe_batch_rows', '4')).toBe(1);
    expect(bucket('mlpipe_batch_rows', '8')).toBe(2);
    expect(text).toMatch(/^mlpipe_rows_scored_total 5$/m);
    expect(text).toMatch(/^mlpipe_request_errors_total 1$/m);
    const series = text.split('\n').filter((l) => l.startsWith('mlpipe_requests_total{'));
    expect(series).toEqual([
      'mlpipe_requests_total{path="/invocations",code="200"} 4',
      'mlpipe_requests_total{path="/health",code="200"} 1',
      'mlpipe_requests_total{path="/invocations",code="400"} 1',
    ]);
  });
});
