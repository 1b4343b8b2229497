// The MLPipe SDK for Node steps: params, input and output paths, and logging of metrics, params, tags
// and artifacts into the run. Dependency-free. A step imports it as `mlpipe/sdk` (the runtime starts
// node steps with a resolver for that name):
//
//   import * as mlpipe from 'mlpipe/sdk';
//   const { lr } = mlpipe.params();
//   const rows = mlpipe.readTable('train_rows.rows');   // CSV, TSV, JSON or JSON lines
//   mlpipe.logMetric('loss', 0.42, epoch);
//   writeFileSync(mlpipe.outputPath('model'), bytes);
//
// Outside a run (no MLPIPE_RUN_ID) everything still works: params are empty and logging goes nowhere,
// so a script can be run by hand while it is being written.
import { appendFileSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';

const env = process.env;
const json = (name, fallback) => {
  try {
    return env[name] ? JSON.parse(env[name]) : fallback;
  } catch {
    return fallback;
  }
};

export const runId = env.MLPIPE_RUN_ID ?? null;
export const step = env.MLPIPE_STEP ?? null;
export const attempt = Number(env.MLPIPE_ATTEMPT ?? 1);

/** The step's params: `params { lr: learning_rate }` → { lr: 0.05 } (durations in ms, sizes in bytes). */
export function params() {
  return json('MLPIPE_PARAMS', {});
}

export function param(name, fallback) {
  const p = params();
  return name in p ? p[name] : fallback;
}

/** Input name → absolute path. Names as written in `inputs`: `train_data`, `train_rows.rows`. */
export function inputs() {
  return json('MLPIPE_INPUTS', {});
}

/** An input's path; `name` may also be just the step or the output name when that is unambiguous. */
export function inputPath(name) {
  return lookup(inputs(), name, 'input');
}

export function outputs() {
  return json('MLPIPE_OUTPUTS', {});
}

/** Where to write a declared output: `outputs { model: "model.onnx" }` → outputPath('model'). */
export function outputPath(name) {
  return lookup(outputs(), name, 'output');
}

export function outputDir() {
  return env.MLPIPE_OUTPUT_DIR ?? process.cwd();
}

function lookup(map, name, what) {
  if (name in map) return map[name];
  const matches = Object.keys(map).filter((k) => k.split('.').includes(name));
  if (matches.length === 1) return map[matches[0]];
  const known = Object.keys(map);
  throw new Error(`mlpipe: no ${what} named '${name}'${known.length ? ` (${what}s: ${known.join(', ')})` : ` (the step declares no ${what}s${runId ? '' : '; not running under mlpipe'})`}`);
}

// ---- logging: lines buffered and appended to the run's sink ----
const sink = env.MLPIPE_SINK;
let buffer = [];
let bytes = 0;
let timer;

function write(record) {
  if (!sink) return;
  const line = JSON.stringify(record);
  buffer.push(line);
  bytes += line.length + 1;
  // Many small writes would cost a syscall each: flush in chunks, and at least every 200 ms so the
  // editor's live curve keeps up.
  if (bytes >= 65536) flush();
  else if (!timer) {
    timer = setTimeout(flush, 200);
    timer.unref();
  }
}

/** Writes buffered records now (also done automatically, and at exit). */
export function flush() {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (!buffer.length || !sink) return;
  const text = `${buffer.join('\n')}\n`;
  buffer = [];
  bytes = 0;
  appendFileSync(sink, text);
}
process.on('exit', flush);

export function logMetric(key, value, stepIndex) {
  const v = Number(value);
  if (!Number.isFinite(v)) return;
  const r = { t: 'metric', key: String(key), value: v, ts: Date.now() };
  if (stepIndex !== undefined && stepIndex !== null) r.step = Number(stepIndex);
  write(r);
}

export function logMetrics(values, stepIndex) {
  for (const [k, v] of Object.entries(values)) logMetric(k, v, stepIndex);
}

export function logParam(key, value) {
  write({ t: 'param', key: String(key), value: typeof value === 'number' || typeof value === 'boolean' ? value : String(value) });
}

export function logParams(values) {
  for (const [k, v] of Object.entries(values)) logParam(k, v);
}

export function setTag(key, value) {
  write({ t: 'tag', key: String(key), value: String(value) });
}

/** Records a file the step wrote as an artifact of the run (it should live in outputDir()). */
export function logArtifact(path, name) {
  write({ t: 'artifact', name: name ?? path.split('/').pop(), path });
}

// ---- reading tables without libraries ----

/**
 * Reads a CSV, TSV, JSON (array of objects) or JSON-lines input into columns:
 * { columns: ['age', ...], data: { age: [31, null, ...] }, rows: 1000 }. A column whose non-empty values
 * are all numbers becomes numbers; empty cells are null. Parquet needs a library (e.g. @duckdb/node-api):
 * declare the upstream output as `.csv` to read it here.
 */
export function readTable(nameOrPath) {
  const path = nameOrPath.includes('/') ? nameOrPath : inputPath(nameOrPath);
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') {
    throw new Error(`mlpipe: ${path} is Parquet, which readTable cannot read without a library; write the upstream output as .csv, or read it with @duckdb/node-api`);
  }
  const text = readFileSync(path, 'utf8');
  if (ext === '.json' || ext === '.ndjson' || ext === '.jsonl') {
    const trimmed = text.trimStart();
    const records = trimmed.startsWith('[') ? JSON.parse(trimmed) : trimmed.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
    const data = Object.fromEntries(columns.map((c) => [c, records.map((r) => r[c] ?? null)]));
    return { columns, data, rows: records.length };
  }
  const rows = parseDelimited(text, ext === '.tsv' ? '\t' : ',');
  const header = rows.shift() ?? [];
  const data = {};
  header.forEach((c, j) => {
    const raw = rows.map((r) => (r[j] === undefined || r[j] === '' ? null : r[j]));
    const numeric = raw.every((v) => v === null || /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v));
    data[c] = numeric ? raw.map((v) => (v === null ? null : Number(v))) : raw;
  });
  return { columns: header, data, rows: rows.length };
}

/** RFC 4180: quoted fields may hold delimiters, newlines and doubled quotes. */
function parseDelimited(text, delim) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delim) { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}
