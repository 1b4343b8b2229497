import type { TensorSpec } from '../onnx/signature.js';

/** A request body that cannot be scored: answered with 400 and this message. */
export class BodyError extends Error {}

export interface ParsedBody {
  columns: Record<string, unknown[]>;
  rows: number;
}

const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

/**
 * The request formats of MLflow's scoring server (`/invocations`), so clients written for MLflow work:
 *   {"dataframe_split": {"columns": ["age", "plan"], "data": [[31, "pro"], [45, "free"]]}}
 *   {"dataframe_records": [{"age": 31, "plan": "pro"}, {"age": 45, "plan": "free"}]}
 *   {"instances": [{"age": 31, "plan": "pro"}]}             (TF serving's row format)
 *   {"inputs": {"age": [31, 45], "plan": ["pro", "free"]}}  (TF serving's columnar format)
 * A model with a single input also takes bare rows: {"instances": [[1, 2, 3]]} or {"inputs": [[1, 2, 3]]}.
 * Every problem names the format and where it is ("dataframe_split.data[2] has 3 values for 4 columns").
 */
export function parseBody(text: string, inputs: readonly TensorSpec[]): ParsedBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new BodyError(`the body is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(body)) throw new BodyError(`the body must be a JSON object with one of ${FORMATS.join(', ')}`);
  // A loop rather than FORMATS.filter: this runs for every request, and usually finds one format.
  let format: (typeof FORMATS)[number] | undefined;
  let found = 0;
  for (const f of FORMATS) {
    if (f in body) {
      format = f;
      found++;
    }
  }
  if (found !== 1 || format === undefined) {
    const present = FORMATS.filter((f) => f in body);
    const other = Object.keys(body).filter((k) => k !== 'params');
    throw new BodyError(present.length
      ? `the body has ${present.join(' and ')}: give exactly one of ${FORMATS.join(', ')}`
      : `the body must have one of ${FORMATS.join(', ')}${other.length ? ` (it has ${other.map((k) => `'${k}'`).join(', ')})` : ''}`);
  }
  const value = body[format];
  switch (format) {
    case 'dataframe_split': return fromSplit(value);
    case 'dataframe_records': return fromRecords(value, 'dataframe_records', inputs);
    case 'instances': return fromRecords(value, 'instances', inputs);
    case 'inputs': return fromInputs(value, inputs);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fromSplit(v: unknown): ParsedBody {
  if (!isObject(v)) throw new BodyError('dataframe_split must be an object with "columns" and "data"');
  const { columns, data } = v;
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) throw new BodyError('dataframe_split.columns must be a list of column names');
  if (!Array.isArray(data)) throw new BodyError('dataframe_split.data must be a list of rows');
  // Plain loops (no callbacks per row or value): this is every dataframe_split request's path.
  const out: Record<string, unknown[]> = {};
  const lists: unknown[][] = new Array(columns.length);
  for (let j = 0; j < columns.length; j++) lists[j] = out[columns[j] as string] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const row: unknown = data[i];
    if (!Array.isArray(row)) throw new BodyError(`dataframe_split.data[${i}] must be a list of values`);
    if (row.length !== columns.length) throw new BodyError(`dataframe_split.data[${i}] has ${row.length} values for ${columns.length} columns`);
    for (let j = 0; j < row.length; j++) lists[j][i] = row[j];
  }
  return { columns: out, rows: data.length };
}

function fromRecords(v: unknown, name: string, inputs: readonly TensorSpec[]): ParsedBody {
  if (!Array.isArray(v)) throw new BodyError(`${name} must be a list of ${name === 'instances' ? 'instances' : 'records'}`);
  if (v.length && !isObject(v[0]) && inputs.length === 1) return { columns: { [inputs[0].name]: v }, rows: v.length };
  const out: Record<string, unknown[]> = {};
  v.forEach((r, i) => {
    if (!isObject(r)) throw new BodyError(`${name}[${i}] must be an object of column: value${inputs.length === 1 ? '' : ` (the model takes ${inputs.length} named inputs)`}`);
    for (const [k, x] of Object.entries(r)) (out[k] ??= new Array(v.length).fill(null))[i] = x;
  });
  return { columns: out, rows: v.length };
}

function fromInputs(v: unknown, inputs: readonly TensorSpec[]): ParsedBody {
  if (Array.isArray(v)) {
    if (inputs.length !== 1) throw new BodyError(`inputs as a list works for a model with one input; this one takes ${inputs.map((i) => `'${i.name}'`).join(', ')}: give {"inputs": {"name": [values...]}}`);
    return { columns: { [inputs[0].name]: v }, rows: v.length };
  }
  if (!isObject(v)) throw new BodyError('inputs must be an object of input name: list of values');
  let rows: number | undefined;
  const out: Record<string, unknown[]> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!Array.isArray(x)) throw new BodyError(`inputs.${k} must be a list of values`);
    if (rows !== undefined && x.length !== rows) throw new BodyError(`inputs.${k} has ${x.length} values, the other inputs ${rows}`);
    rows = x.length;
    out[k] = x;
  }
  return { columns: out, rows: rows ?? 0 };
}
