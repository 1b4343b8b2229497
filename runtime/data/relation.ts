import type { ColumnInfo } from './column-types.js';
import type { DataEngine, QueryOptions } from './engine.js';
import { DataError } from './errors.js';
import { fromClause, readGuarded, type ResolvedSource } from './sources.js';
import { Binder } from './sql.js';

/**
 * Something a query can select from: a source's table function, or a view's SQL over named sources. The
 * text is produced per statement because its file lists are bound parameters of that statement.
 */
export interface Relation {
  /** For messages: a source name, a view name or a path. */
  label: string;
  /** A FROM-clause item: a table-function call or a parenthesised query. */
  sql(b: Binder): string;
  /** The sources it reads, for error attribution and cache keys. */
  sources: ResolvedSource[];
  /** SQL written by the user (a view) rather than a plain file read: its errors name the view. */
  userSql?: boolean;
}

export function sourceRelation(src: ResolvedSource, label = src.name): Relation {
  return { label, sources: [src], sql: (b) => fromClause(src, b) };
}

/**
 * A view written in SQL over other relations, which it names like tables: each becomes a CTE. The view's
 * own SQL runs in a subquery, so it may have its own WITH clause; a trailing semicolon is dropped.
 */
export function sqlRelation(label: string, sql: string, inputs: Record<string, Relation>): Relation {
  const body = sql.trim().replace(/;\s*$/, '');
  return {
    label,
    userSql: true,
    sources: Object.values(inputs).flatMap((r) => r.sources),
    sql: (b) => {
      const ctes = Object.entries(inputs).map(([name, r]) => `"${name.replace(/"/g, '""')}" AS (SELECT * FROM ${r.sql(b)})`);
      return `(${ctes.length ? `WITH ${ctes.join(', ')} ` : ''}SELECT * FROM (${body}))`;
    },
  };
}

/** Names and types of a relation's columns (binds the query; reads at most a CSV sniff sample). */
export async function describeRelation(engine: DataEngine, rel: Relation, opts: QueryOptions = {}): Promise<ColumnInfo[]> {
  const b = new Binder();
  const run = () => engine.rows(`DESCRIBE SELECT * FROM ${rel.sql(b)}`, b.params, opts);
  const rows = rel.userSql ? await run().catch((e: unknown) => { throw inView(rel, e); })
    : rel.sources.length === 1 ? await readGuarded(engine, rel.sources[0], run, opts) : await run();
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

/** An error from a view's own SQL, prefixed with the view's name so the user knows which SQL to fix. */
export function inView(rel: Relation, e: unknown): unknown {
  if (!(e instanceof DataError) || e.code !== 'query-error' || e.message.startsWith(`${rel.label}:`)) return e;
  return new DataError(`${rel.label}: ${e.message.replace(/^Failed to extract statements: /, '')}`, e.code, e.detail);
}
