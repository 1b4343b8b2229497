/** The server's counters in Prometheus' text format (version 0.0.4), kept by hand: a handful of series. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

class Histogram {
  /** Observations per bucket alone (not cumulative): one increment per observation, summed when rendered. */
  private readonly own: number[];
  sum = 0;
  count = 0;

  constructor(readonly buckets: number[]) {
    this.own = buckets.map(() => 0);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    let i = 0;
    while (i < this.buckets.length && !(v <= this.buckets[i])) i++;
    if (i < this.buckets.length) this.own[i]++;
  }

  /** Prometheus' cumulative counts: bucket i counts every observation <= its bound. */
  get counts(): number[] {
    let total = 0;
    return this.own.map((n) => (total += n));
  }

  lines(name: string, labels = ''): string[] {
    const l = (extra: string) => `{${[labels, extra].filter(Boolean).join(',')}}`;
    const counts = this.counts;
    return [
      ...this.buckets.map((b, i) => `${name}_bucket${l(`le="${b}"`)} ${counts[i]}`),
      `${name}_bucket${l('le="+Inf"')} ${this.count}`,
      `${name}_sum${labels ? `{${labels}}` : ''} ${this.sum}`,
      `${name}_count${labels ? `{${labels}}` : ''} ${this.count}`,
    ];
  }
}

/** One `mlpipe_requests_total` series. */
interface Series {
  labels: string;
  n: number;
}

export class ServerMetrics {
  /** Series in the order they first appeared, found by path then code without building a key per request. */
  private readonly series: Series[] = [];
  private readonly byPath = new Map<string, Map<number, Series>>();
  private errors = 0;
  private rows = 0;
  private readonly latency = new Histogram(LATENCY_BUCKETS);
  private readonly batches = new Histogram(BATCH_BUCKETS);

  constructor(private readonly info: { model: string; version: number; digest: string }) {}

  request(path: string, code: number, seconds: number, rows = 0): void {
    let codes = this.byPath.get(path);
    if (!codes) this.byPath.set(path, (codes = new Map()));
    let s = codes.get(code);
    if (!s) {
      s = { labels: `path="${path}",code="${code}"`, n: 0 };
      codes.set(code, s);
      this.series.push(s);
    }
    s.n++;
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
      ...this.series.map((s) => `mlpipe_requests_total{${s.labels}} ${s.n}`),
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
