import { kindOf, type ColumnInfo } from './column-types.js';
import type { DataEngine, QueryOptions } from './engine.js';
import type { Relation } from './relation.js';
import { Binder, ident } from './sql.js';
import { binIndex, groupedCounts, type KeyCounts } from './grouped-counts.js';
import { num } from './values.js';

/**
 * The DuckDB side of drift: every scan here reads each data set once and does the counting, so that the
 * statistics in drift.ts work on a few thousand numbers at most.
 */

/** A column as drift sees it: numbers (timestamps as epoch seconds) or categories. */
export interface DriftColumn {
  col: ColumnInfo;
  numeric: boolean;
  /** SQL for the value as DOUBLE (numeric columns). */
  value: string;
}

export function driftColumn(col: ColumnInfo): DriftColumn {
  const k = kindOf(col.type);
  const x = ident(col.name);
  return { col, numeric: k === 'numeric' || k === 'temporal', value: k === 'temporal' ? `CAST(epoch(${x}) AS DOUBLE)` : `CAST(${x} AS DOUBLE)` };
}

export interface ColumnStats {
  rows: number;
  /** Non-null values. */
  n: number[];
  lo: (number | null)[];
  hi: (number | null)[];
  /** Population standard deviation (numpy's default, which Evidently's normalisation uses). */
  sd: (number | null)[];
}

/** Pass one: counts, ranges and spread; only cheap streaming aggregates. */
export async function statsScan(engine: DataEngine, rel: Relation, cols: DriftColumn[], opts: QueryOptions): Promise<ColumnStats> {
  const b = new Binder();
  const parts = ['count(*) AS __rows'];
  cols.forEach((c, i) => {
    parts.push(`count(${ident(c.col.name)}) AS n${i}`);
    // Numbers on their own type (a per-value cast to DOUBLE cost more than the aggregates); times as seconds.
    const v = kindOf(c.col.type) === 'numeric' ? ident(c.col.name) : c.value;
    if (c.numeric) parts.push(`min(${v}) AS lo${i}`, `max(${v}) AS hi${i}`, `stddev_pop(${v}) AS sd${i}`);
  });
  const r = (await engine.rows(`SELECT ${parts.join(', ')} FROM ${rel.sql(b)}`, b.params, opts))[0];
  const pick = (prefix: string) => cols.map((_, i) => num(r[`${prefix}${i}`]));
  return { rows: num(r.__rows) ?? 0, n: pick('n').map((x) => x ?? 0), lo: pick('lo'), hi: pick('hi'), sd: pick('sd') };
}

/** What to count for one column in pass two. */
export type CountKey =
  | { kind: 'bins'; lo: number; width: number; bins: number }
  | { kind: 'values' };

/** Pass two: every column's bins or value counts in one scan (see grouped-counts.ts). */
export async function countScan(
  engine: DataEngine, rel: Relation, keys: { column: DriftColumn; key: CountKey }[], opts: QueryOptions,
): Promise<KeyCounts[]> {
  const counted = await groupedCounts(engine, rel, keys.map(({ column, key }) => (key.kind === 'bins'
    ? { expr: binIndex(column.value, key.lo, key.width), bins: key.bins }
    : { expr: column.numeric ? column.value : ident(column.col.name) })), {}, opts);
  return counted.map((c) => c.counts);
}

/** Exact ECDF comparison over the distinct values of both samples: KS statistic and Wasserstein-1 distance. */
export async function ecdfDistances(
  engine: DataEngine, refRel: Relation, curRel: Relation, column: DriftColumn, n1: number, n2: number, opts: QueryOptions,
): Promise<{ d: number; w: number }> {
  const b = new Binder();
  const x = ident(column.col.name);
  const rows = await engine.rows(`
    WITH v AS (SELECT ${column.value} AS x, 1 AS a, 0 AS c FROM ${refRel.sql(b)} WHERE ${x} IS NOT NULL
               UNION ALL SELECT ${column.value}, 0, 1 FROM ${curRel.sql(b)} WHERE ${x} IS NOT NULL),
         g AS (SELECT x, sum(a) AS a, sum(c) AS c FROM v GROUP BY x),
         f AS (SELECT x, sum(a) OVER w / ${b.bind(n1)} AS f1, sum(c) OVER w / ${b.bind(n2)} AS f2, lead(x) OVER w AS nx
               FROM g WINDOW w AS (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
    SELECT max(abs(f1 - f2)) AS d, sum(abs(f1 - f2) * coalesce(nx - x, 0)) AS w FROM f`, b.params, opts);
  return { d: num(rows[0].d) ?? 0, w: num(rows[0].w) ?? 0 };
}
