import { extname } from 'node:path';
import type { DataEngine, QueryOptions } from '../../data/engine.js';
import { DataError } from '../../data/errors.js';
import type { Relation } from '../../data/relation.js';
import { Binder } from '../../data/sql.js';

/**
 * Writes a relation to a file in the format its extension names: Parquet by default (`.parquet`), CSV
 * (`.csv`, with a header) for steps that read without libraries, JSON lines (`.json`, `.ndjson`,
 * `.jsonl`). Returns the row count.
 */
export async function writeRelation(engine: DataEngine, rel: Relation, path: string, opts: QueryOptions = {}): Promise<number> {
  const b = new Binder();
  const format = formatClause(path);
  const rows = await engine.rows(`COPY (SELECT * FROM ${rel.sql(b)}) TO ${b.bind(path)} (${format})`, b.params, opts)
    .catch((e: unknown) => { throw named(rel.label, e); });
  return Number(rows[0]?.Count ?? rows[0]?.count ?? 0);
}

function formatClause(path: string): string {
  switch (extname(path).toLowerCase()) {
    case '.csv': return 'FORMAT csv, HEADER true';
    case '.tsv': return "FORMAT csv, HEADER true, DELIMITER '\t'";
    case '.json': case '.ndjson': case '.jsonl': return 'FORMAT json';
    default: return 'FORMAT parquet';
  }
}

/** Columns of a relation as JS arrays (BIGINT as bigint, DOUBLE as number, VARCHAR as string). */
export async function readColumns(engine: DataEngine, rel: Relation, columns: readonly string[] | '*', opts: QueryOptions = {}): Promise<{ columns: Record<string, unknown[]>; rows: number }> {
  const b = new Binder();
  const list = columns === '*' ? '*' : columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(', ');
  const reader = await engine.reader(`SELECT ${list} FROM ${rel.sql(b)}`, b.params, opts);
  const cols = reader.getColumnsObjectJS() as Record<string, unknown[]>;
  return { columns: cols, rows: reader.currentRowCount };
}

/** DuckDB's message, prefixed with the node whose SQL it is about, so the user knows which SQL to fix. */
function named(label: string, e: unknown): unknown {
  if (!(e instanceof DataError) || e.code === 'cancelled' || e.message.startsWith(`${label}:`)) return e;
  return new DataError(`${label}: ${e.message.replace(/^Failed to extract statements: /, '')}`, e.code, e.detail);
}
