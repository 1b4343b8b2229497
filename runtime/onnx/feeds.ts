import type { TensorSpec } from './signature.js';

/**
 * Turns named columns (from DuckDB, a request body, ...) into the model's inputs, following MLflow's
 * ONNX flavour: when the model has one input per column, each column feeds the input of the same name as
 * an [N, 1] tensor; a single [N, F] input takes F columns (named by the `mlpipe.columns` metadata, or the
 * columns in the order given). Problems are InputErrors whose messages name the column and row.
 */
export class InputError extends Error {}

export type ColumnValues = ArrayLike<unknown>;

export interface FeedTensor {
  type: string;
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | string[];
  dims: number[];
}

/** Which columns a model needs, in feed order. */
export function requiredColumns(inputs: readonly TensorSpec[], metadata: Record<string, string>): string[] {
  const wide = wideInput(inputs);
  if (wide) return metadata['mlpipe.columns'] ? metadata['mlpipe.columns'].split(',') : [];
  return inputs.map((i) => i.name);
}

function wideInput(inputs: readonly TensorSpec[]): TensorSpec | undefined {
  if (inputs.length !== 1) return undefined;
  const last = inputs[0].shape[inputs[0].shape.length - 1];
  return inputs[0].shape.length === 2 && typeof last === 'number' && last > 1 ? inputs[0] : undefined;
}

export function buildFeeds(inputs: readonly TensorSpec[], metadata: Record<string, string>, columns: Record<string, ColumnValues>, rows: number): Record<string, FeedTensor> {
  const wide = wideInput(inputs);
  if (wide) {
    const width = wide.shape[1] as number;
    const rowsGiven = columns[wide.name];
    if (rowsGiven && Array.from({ length: Math.min(rows, 1) }, (_, i) => Array.isArray(rowsGiven[i])).every(Boolean)) {
      // Bare rows for the one input: [[1, 2, 3], ...].
      const data = numeric(wide.type, rows * width);
      for (let i = 0; i < rows; i++) {
        const row = rowsGiven[i];
        if (!Array.isArray(row) || row.length !== width) {
          throw new InputError(`row ${i} of '${wide.name}' must be a list of ${width} numbers, got ${JSON.stringify(row)}`);
        }
        row.forEach((v, j) => setNumeric(data, i * width + j, v, `${wide.name}[${j}]`, i, wide.type));
      }
      return { [wide.name]: { type: wide.type, data, dims: [rows, width] } };
    }
    const names = metadata['mlpipe.columns']?.split(',') ?? Object.keys(columns);
    if (names.length !== width) {
      throw new InputError(`model input '${wide.name}' takes ${width} columns per row, got ${names.length} (${names.join(', ')})`);
    }
    const data = numeric(wide.type, rows * width);
    names.forEach((name, j) => {
      const col = need(columns, name, wide);
      for (let i = 0; i < rows; i++) setNumeric(data, i * width + j, col[i], name, i, wide.type);
    });
    return { [wide.name]: { type: wide.type, data, dims: [rows, width] } };
  }
  const feeds: Record<string, FeedTensor> = {};
  for (const input of inputs) {
    const col = need(columns, input.name, input);
    const dims = input.shape.length === 1 ? [rows] : [rows, 1];
    if (input.type === 'string') {
      const data: string[] = new Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = col[i];
        if (v !== null && v !== undefined && typeof v === 'object') throw new InputError(`column '${input.name}' row ${i}: expected text, got ${JSON.stringify(v)}`);
        data[i] = v === null || v === undefined ? '' : String(v);
      }
      feeds[input.name] = { type: 'string', data, dims };
    } else {
      const data = numeric(input.type, rows);
      for (let i = 0; i < rows; i++) setNumeric(data, i, col[i], input.name, i, input.type);
      feeds[input.name] = { type: input.type, data, dims };
    }
  }
  return feeds;
}

function need(columns: Record<string, ColumnValues>, name: string, input: TensorSpec): ColumnValues {
  const col = columns[name];
  if (!col) {
    const have = Object.keys(columns);
    throw new InputError(`missing column '${name}' (model input '${input.name}', ${input.type}); got ${have.length ? have.map((h) => `'${h}'`).join(', ') : 'no columns'}`);
  }
  return col;
}

function numeric(type: string, n: number): Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array {
  switch (type) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'int32': return new Int32Array(n);
    case 'bool': return new Uint8Array(n);
    default: throw new InputError(`model input type ${type} is not supported (float32, float64, int64, int32, bool, string are)`);
  }
}

function setNumeric(data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array, at: number, v: unknown, col: string, row: number, type: string): void {
  let x: number;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'bigint') x = Number(v);
  else if (typeof v === 'boolean') x = v ? 1 : 0;
  else if (v === null || v === undefined) x = NaN;
  else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) x = Number(v);
  else throw new InputError(`column '${col}' row ${row}: expected a number, got ${JSON.stringify(v)}`);
  if (data instanceof BigInt64Array) {
    if (!Number.isInteger(x)) throw new InputError(`column '${col}' row ${row}: expected a whole number (${type}), got ${JSON.stringify(v)}`);
    data[at] = BigInt(x);
  } else if (Number.isNaN(x) && !(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new InputError(`column '${col}' row ${row}: a value is required (${type} has no missing value)`);
  } else {
    data[at] = x;
  }
}
