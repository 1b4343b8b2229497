import type { Scalar } from '../../language-server/model/pipeline-model.js';
import type { MetricPoint } from './events.js';

/**
 * The SDKs' sink format: one JSON object per line, `t` saying what it is.
 *   {"t":"metric","key":"loss","value":0.41,"step":3,"ts":1736848212345}
 *   {"t":"param","key":"lr","value":0.05}
 *   {"t":"artifact","name":"plot","path":"/abs/path.png"}
 *   {"t":"tag","key":"team","value":"growth"}
 * Unknown or malformed lines are ignored: a step can never break the runtime through its sink.
 */
export type SinkRecord =
  | { t: 'metric'; key: string; value: number; step?: number; ts?: number }
  | { t: 'param'; key: string; value: Scalar }
  | { t: 'artifact'; name: string; path: string }
  | { t: 'tag'; key: string; value: string };

export interface SinkHandlers {
  metrics(points: MetricPoint[]): void;
  params(params: Record<string, Scalar>): void;
  artifact(name: string, path: string): void;
  tag(key: string, value: string): void;
}

/** Points per `step_metric` event, so one event line stays a reasonable size. */
const MAX_POINTS = 10_000;

export class SinkReader {
  constructor(private readonly h: SinkHandlers) {}

  lines(lines: string[]): void {
    let points: MetricPoint[] = [];
    let params: Record<string, Scalar> | undefined;
    for (const line of lines) {
      let r: SinkRecord;
      try {
        r = JSON.parse(line) as SinkRecord;
      } catch {
        continue;
      }
      if (r.t === 'metric' && typeof r.key === 'string' && typeof r.value === 'number') {
        const p: MetricPoint = { key: r.key, value: r.value, timestamp: typeof r.ts === 'number' ? r.ts : Date.now() };
        if (typeof r.step === 'number') p.step = r.step;
        points.push(p);
        if (points.length >= MAX_POINTS) {
          this.h.metrics(points);
          points = [];
        }
      } else if (r.t === 'param' && typeof r.key === 'string' && ['string', 'number', 'boolean'].includes(typeof r.value)) {
        (params ??= {})[r.key] = r.value;
      } else if (r.t === 'artifact' && typeof r.name === 'string' && typeof r.path === 'string') {
        this.h.artifact(r.name, r.path);
      } else if (r.t === 'tag' && typeof r.key === 'string') {
        this.h.tag(r.key, String(r.value));
      }
    }
    if (points.length) this.h.metrics(points);
    if (params) this.h.params(params);
  }
}
