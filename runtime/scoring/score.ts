import { rmSync, writeFileSync } from 'node:fs';
import type { DataEngine } from '../data/engine.js';
import { describeRelation, sourceRelation } from '../data/relation.js';
import { DataError } from '../data/errors.js';
import { resolveSource } from '../data/sources.js';
import { Binder } from '../data/sql.js';
import { readColumns } from '../exec/kinds/table-io.js';
import { requiredColumns } from '../onnx/feeds.js';
import { OnnxModel } from '../onnx/session.js';

export interface ScoreOptions {
  /** The ONNX file (a registry version's artifact). */
  model: string;
  /** Data to score: a file or glob (CSV, Parquet, JSON), read by DuckDB. */
  data: string;
  /** Parquet file to write: every input column plus the prediction. */
  out: string;
  baseDir: string;
  column?: string;
  batchRows?: number;
  signal?: AbortSignal;
}

/**
 * Batch inference: DuckDB reads the data (any format it reads, globs too), onnxruntime scores it in
 * batches, and DuckDB writes the input rows with a `prediction` column appended, in the input's order
 * (a POSITIONAL JOIN of the input with the scores).
 */
export async function scoreFile(engine: DataEngine, o: ScoreOptions): Promise<{ rows: number; output: string }> {
  const src = await resolveSource(engine, { path: o.data, baseDir: o.baseDir }, { signal: o.signal });
  const rel = sourceRelation(src, 'data');
  const model = await OnnxModel.load(o.model);
  const tmp = `${o.out}.${process.pid}.scores.csv`;
  try {
    const need = requiredColumns(model.inputs, model.signature.metadata);
    const have = (await describeRelation(engine, rel, { signal: o.signal })).map((c) => c.name);
    const missing = need.filter((c) => !have.includes(c));
    if (missing.length) {
      throw new DataError(`${o.data} lacks column${missing.length > 1 ? 's' : ''} the model needs: ${missing.join(', ')} (it has ${have.join(', ')})`, 'unknown-column', { column: missing[0] });
    }
    const read = await readColumns(engine, rel, need.length ? need : '*', { signal: o.signal });
    const batch = o.batchRows ?? 65_536;
    const lines: string[] = ['prediction'];
    for (let start = 0; start < read.rows; start += batch) {
      const n = Math.min(batch, read.rows - start);
      const cols: Record<string, unknown[]> = {};
      for (const [k, v] of Object.entries(read.columns)) cols[k] = v.slice(start, start + n);
      const out = await model.run(cols, n);
      // Shortest round-trip text of each double: the scores come back bit for bit.
      for (const s of out.scores) lines.push(Number.isNaN(s) ? '' : String(s));
    }
    writeFileSync(tmp, `${lines.join('\n')}\n`);
    const b = new Binder();
    const column = `"${(o.column ?? 'prediction').replace(/"/g, '""')}"`;
    await engine.rows(`COPY (SELECT d.*, s.prediction AS ${column} FROM ${rel.sql(b)} d POSITIONAL JOIN
      read_csv(${b.bind(tmp)}, header = true, columns = {'prediction': 'DOUBLE'}) s) TO ${b.bind(o.out)} (FORMAT parquet)`, b.params, { signal: o.signal });
    return { rows: read.rows, output: o.out };
  } finally {
    rmSync(tmp, { force: true });
    await model.release();
  }
}
