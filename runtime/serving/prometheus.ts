/** The server's counters in Prometheus' text format (version 0.0.4), kept by hand: a handful of series. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) this.counts[i]++;
  }

  lines(name: string, labels = ''): string[] {
    const l = (extra: string) => `{${[labels, extra].filter(Boolean).join(',')}}`;
    return [
      ...this.buckets.map((b, i) => `${name}_bucket${l(`le="${b}"`)} ${this.counts[i]}`),
      `${name}_bucket${l('le="+Inf"')} ${this.count}`,
      `${name}_sum${labels ? `{${labels}}` : ''} ${this.sum}`,
      `${name}_count${labels ? `{${labels}}` : ''} ${this.count}`,
    ];
  }
}

export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private errors = 0;
  private rows = 0;
  private readonly latency = new Histogram(LATENCY_BUCKETS);
  private readonly batches = new Histogram(BATCH_BUCKETS);

  constructor(private readonly info: { model: string; version: number; digest: string }) {}

  request(path: string, code: number, seconds: number, rows = 0): void {
    const key = `path="${path}",code="${code}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    if (path === '/invocations') {
      if (code >= 400) this.errors++;
      else this.rows += rows;
      this.latency.observe(seconds);
    }
  }

  batch(rows: number): void {
    this.batches.observe(rows);
  }

  text(): string {
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    return [
      '# HELP mlpipe_model_info The model being served.',
      '# TYPE mlpipe_model_info gauge',
      `mlpipe_model_info{model="${esc(this.info.model)}",version="${this.info.version}",digest="${this.info.digest}"} 1`,
      '# HELP mlpipe_requests_total HTTP requests by path and status code.',
      '# TYPE mlpipe_requests_total counter',
      ...[...this.requests].map(([k, v]) => `mlpipe_requests_total{${k}} ${v}`),
      '# HELP mlpipe_request_errors_total Scoring requests answered with an error (4xx or 5xx).',
      '# TYPE mlpipe_request_errors_total counter',
      `mlpipe_request_errors_total ${this.errors}`,
      '# HELP mlpipe_rows_scored_total Rows scored.',
      '# TYPE mlpipe_rows_scored_total counter',
      `mlpipe_rows_scored_total ${this.rows}`,
      '# HELP mlpipe_request_duration_seconds Time to answer a scoring request.',
      '# TYPE mlpipe_request_duration_seconds histogram',
      ...this.latency.lines('mlpipe_request_duration_seconds'),
      '# HELP mlpipe_batch_rows Rows per inference call (requests batched together).',
      '# TYPE mlpipe_batch_rows histogram',
      ...this.batches.lines('mlpipe_batch_rows'),
      '',
    ].join('\n');
  }
}
