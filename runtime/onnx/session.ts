import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { buildFeeds, type ColumnValues, type FeedTensor } from './feeds.js';
import { readSignature, type ModelSignature, type TensorSpec } from './signature.js';

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort> | undefined;

/** onnxruntime's native library loads on first use only: commands that never score do not pay for it. */
export function ort(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node');
  return ortModule;
}

export interface ScoreOutputs {
  /** The output scores are read from, and its values per row ([N,2] → the positive class). */
  name: string;
  scores: Float64Array;
  /** Every output, as plain arrays of rows, for responses that return them all. */
  all: Record<string, { dims: readonly number[]; rows: unknown[] }>;
}

/** An ONNX model loaded for CPU inference, with its signature. */
export class OnnxModel {
  private constructor(readonly path: string, readonly signature: ModelSignature, private readonly session: InferenceSession, private readonly ortLib: Ort) {}

  static async load(path: string, opts: { threads?: number } = {}): Promise<OnnxModel> {
    const signature = readSignature(path);
    const lib = await ort();
    const session = await lib.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      // One intra-op thread by default: scoring is batched by the caller, and a server handles requests
      // concurrently; several threads per tiny batch only add hand-offs.
      intraOpNumThreads: opts.threads ?? 1,
      interOpNumThreads: 1,
    });
    return new OnnxModel(path, signature, session, lib);
  }

  get inputs(): TensorSpec[] {
    return this.signature.inputs;
  }

  async run(columns: Record<string, ColumnValues>, rows: number): Promise<ScoreOutputs> {
    return this.runFeeds(this.feeds(columns, rows), rows);
  }

  /** Checks and converts columns to the model's inputs (throws InputError with the column and row). */
  feeds(columns: Record<string, ColumnValues>, rows: number): Record<string, FeedTensor> {
    return buildFeeds(this.signature.inputs, this.signature.metadata, columns, rows);
  }

  async runFeeds(feeds: Record<string, FeedTensor>, rows: number): Promise<ScoreOutputs> {
    const tensors: Record<string, Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) tensors[name] = new this.ortLib.Tensor(f.type as 'float32', f.data as Float32Array, f.dims);
    const out = await this.session.run(tensors);
    return readOutputs(this.signature.outputs, out, rows);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function readOutputs(specs: readonly TensorSpec[], out: InferenceSession.OnnxValueMapType, rows: number): ScoreOutputs {
  const all: ScoreOutputs['all'] = {};
  for (const [name, t] of Object.entries(out)) {
    const tensor = t as Tensor;
    if (!tensor || !('dims' in tensor)) continue;
    const width = tensor.dims.length > 1 ? tensor.dims.slice(1).reduce((a, b) => a * b, 1) : 1;
    const data = tensor.data as ArrayLike<number | bigint | string>;
    const plain = (v: number | bigint | string) => (typeof v === 'bigint' ? Number(v) : v);
    const list: unknown[] = new Array(rows);
    for (let i = 0; i < rows; i++) {
      list[i] = width === 1 ? plain(data[i]) : Array.from({ length: width }, (_, j) => plain(data[i * width + j]));
    }
    all[name] = { dims: tensor.dims, rows: list };
  }
  const names = Object.keys(all);
  const preferred = ['probability', 'probabilities', 'score', 'scores', 'prediction', 'predictions', 'output', 'variable'];
  const name = preferred.find((p) => names.includes(p)) ?? specs.map((s) => s.name).find((n) => names.includes(n) && numericRows(all[n].rows)) ?? names[0];
  if (!name) throw new Error('the model returned no tensor output');
  const scores = new Float64Array(rows);
  const chosen = all[name].rows;
  for (let i = 0; i < rows; i++) {
    const v = chosen[i];
    // Two columns are [P(negative), P(positive)] (scikit-learn's predict_proba): score the positive class.
    scores[i] = Array.isArray(v) ? Number(v[v.length === 2 ? 1 : 0]) : Number(v);
  }
  return { name, scores, all };
}

function numericRows(rows: unknown[]): boolean {
  const v = rows[0];
  return typeof v === 'number' || (Array.isArray(v) && typeof v[0] === 'number');
}
