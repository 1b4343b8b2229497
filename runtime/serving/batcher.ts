import type { FeedTensor } from '../onnx/feeds.js';
import type { OnnxModel, ScoreOutputs } from '../onnx/session.js';

/** Called once with the request's rows of the answer, or with the error that failed its batch. */
export type Answer = (error: Error | undefined, predictions?: unknown[]) => void;

interface Pending {
  feeds: Record<string, FeedTensor>;
  rows: number;
  answer: Answer;
}

/**
 * Adaptive batching for the server: while one inference runs, requests that arrive wait, and the next
 * inference takes all of them (up to `maxBatch` rows) as one tensor. A lone request pays no added
 * latency; under load, per-call overhead is shared. Each request's inputs are already checked, so one
 * bad request cannot fail a batch.
 */
export class Batcher {
  private queue: Pending[] = [];
  private running = false;
  readonly batchSizes: number[] = [];

  constructor(private readonly model: OnnxModel, private readonly maxBatch = 256, private readonly onBatch?: (rows: number) => void) {}

  submit(feeds: Record<string, FeedTensor>, rows: number): Promise<unknown[]> {
    return new Promise((resolve, reject) => this.enqueue(feeds, rows, (e, p) => (e ? reject(e) : resolve(p!))));
  }

  /** `submit` with a callback: the server's request path, which saves a promise per request. */
  enqueue(feeds: Record<string, FeedTensor>, rows: number, answer: Answer): void {
    this.queue.push({ feeds, rows, answer });
    if (!this.running) {
      this.running = true;
      // One turn of the event loop first: requests that arrived in the same turn join this batch.
      setImmediate(this.drainSoon);
    }
  }

  private readonly drainSoon = (): void => void this.drain();

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch: Pending[] = [];
      let rows = 0;
      while (this.queue.length && (batch.length === 0 || rows + this.queue[0].rows <= this.maxBatch)) {
        const p = this.queue.shift()!;
        batch.push(p);
        rows += p.rows;
      }
      this.onBatch?.(rows);
      let out: ScoreOutputs;
      try {
        out = await this.model.runFeeds(batch.length === 1 ? batch[0].feeds : merge(batch), rows);
      } catch (e) {
        for (const p of batch) p.answer(e as Error);
        continue;
      }
      // Answers outside the try: an error thrown while answering one request must not answer the
      // batch a second time.
      let offset = 0;
      for (const p of batch) {
        const mine = predictions(out, offset, p.rows);
        offset += p.rows;
        try {
          p.answer(undefined, mine);
        } catch {
          // The answering code (the server's) reports its own failures; the other requests still get theirs.
        }
      }
    }
    this.running = false;
  }
}

function merge(batch: Pending[]): Record<string, FeedTensor> {
  const out: Record<string, FeedTensor> = {};
  for (const name of Object.keys(batch[0].feeds)) {
    const parts = batch.map((p) => p.feeds[name]);
    const first = parts[0];
    const rows = parts.reduce((n, p) => n + p.dims[0], 0);
    let data: FeedTensor['data'];
    if (Array.isArray(first.data)) data = parts.flatMap((p) => p.data as string[]);
    else {
      const total = parts.reduce((n, p) => n + (p.data as Float32Array).length, 0);
      const Ctor = first.data.constructor as new (n: number) => Exclude<FeedTensor['data'], string[]>;
      const merged = new Ctor(total);
      let at = 0;
      for (const p of parts) {
        (merged as Float32Array).set(p.data as Float32Array, at);
        at += (p.data as Float32Array).length;
      }
      data = merged;
    }
    out[name] = { type: first.type, data, dims: [rows, ...first.dims.slice(1)] };
  }
  return out;
}

/**
 * Rows of the answer, as MLflow returns them: one value per row when the model has one output (a number
 * for a single column, a list for several), else one object per row with every output.
 */
function predictions(out: ScoreOutputs, offset: number, rows: number): unknown[] {
  const names = Object.keys(out.all);
  if (names.length === 1) return out.all[names[0]].rows.slice(offset, offset + rows);
  const res: unknown[] = [];
  for (let i = offset; i < offset + rows; i++) res.push(Object.fromEntries(names.map((n) => [n, out.all[n].rows[i]])));
  return res;
}
