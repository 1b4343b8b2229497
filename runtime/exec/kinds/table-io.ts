import { extname } from 'node:path';
import type { DataEngine, QueryOptions } from '../../data/engine.js';
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
  const rows = await engine.rows(`COPY (SELECT * FROM ${rel.sql(b)}) TO ${b.bind(path)} (${format})`, b.params, opts);
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
