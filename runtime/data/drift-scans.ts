import { kindOf, type ColumnInfo } from './column-types.js';
import type { DataEngine, QueryOptions } from './engine.js';
import type { Relation } from './relation.js';
import { Binder, ident } from './sql.js';
import { num, toPlain, type Plain } from './values.js';

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
    if (c.numeric) parts.push(`min(${c.value}) AS lo${i}`, `max(${c.value}) AS hi${i}`, `stddev_pop(${c.value}) AS sd${i}`);
  });
  const r = (await engine.rows(`SELECT ${parts.join(', ')} FROM ${rel.sql(b)}`, b.params, opts))[0];
  const pick = (prefix: string) => cols.map((_, i) => num(r[`${prefix}${i}`]));
  return { rows: num(r.__rows) ?? 0, n: pick('n').map((x) => x ?? 0), lo: pick('lo'), hi: pick('hi'), sd: pick('sd') };
}

/** What to count for one column in pass two. */
export type CountKey =
  | { kind: 'bins'; lo: number; width: number; bins: number }
  | { kind: 'values' };

/** Value counts: JSON of the value → the value and its count. */
export type Counts = Map<string, { value: Plain; count: number }>;

/** Bin counts (dense, one slot per bin) or value counts, per requested key. */
export type KeyCounts = Float64Array | Counts;

/**
 * Pass two: one GROUP BY GROUPING SETS query counts every requested key of every column in a single scan
 * (a hash table per set; several times faster than DuckDB's histogram() aggregate). NULLs are dropped.
 * Bin indexes of all numeric columns come back in one BIGINT column and are read column-wise: the result
 * has one row per occupied bin, tens of thousands of them, and row objects would cost more than the scan.
 */
export async function countScan(
  engine: DataEngine, rel: Relation, keys: { column: DriftColumn; key: CountKey }[], opts: QueryOptions,
): Promise<KeyCounts[]> {
  const out: KeyCounts[] = keys.map(({ key }) => (key.kind === 'bins' ? new Float64Array(key.bins) : new Map()));
  // grouping_id packs one bit per key column into a BIGINT: keep each query well below 63 keys.
  for (let start = 0; start < keys.length; start += 48) {
    const batch = keys.slice(start, start + 48);
    const b = new Binder();
    const exprs = batch.map(({ column, key }, i) => {
      const x = ident(column.col.name);
      if (key.kind === 'values') return `${column.numeric ? column.value : x} AS k${i}`;
      // The bounds are numbers this module computed, inlined so DuckDB folds them (bound parameters made
      // this scan half as fast again). No least(): it would turn NULL into the last bin; the maximum's
      // bin index (= bins) is folded into the last bin below.
      return `CAST(floor((${column.value} - ${literal(key.lo)}) * ${literal(1 / key.width)}) AS BIGINT) AS k${i}`;
    });
    const names = batch.map((_, i) => `k${i}`);
    const binNames = names.filter((_, i) => batch[i].key.kind === 'bins');
    const valueNames = names.filter((_, i) => batch[i].key.kind === 'values');
    const reader = await engine.reader(
      `SELECT grouping_id(${names.join(', ')}) AS __g, ${binNames.length ? `coalesce(${binNames.join(', ')})` : 'NULL::BIGINT'} AS __b,
         ${[...valueNames, 'count(*) AS __n'].join(', ')}
       FROM (SELECT ${exprs.join(', ')} FROM ${rel.sql(b)}) GROUP BY GROUPING SETS (${names.map((n) => `(${n})`).join(', ')})`,
      b.params, opts);
    const cols = reader.getColumnsJS();
    const [g, bin] = [cols[0], cols[1]];
    const n = cols[cols.length - 1];
    const valueCol = new Map(valueNames.map((name, j) => [name, cols[2 + j]]));
    const all = 2 ** batch.length - 1;
    for (let row = 0; row < g.length; row++) {
      // The set of key i leaves every other key ungrouped: all bits but its own (the first key is the highest bit).
      const i = batch.length - 1 - Math.log2(all - Number(g[row]));
      const target = out[start + i];
      const count = Number(n[row]);
      if (target instanceof Float64Array) {
        if (bin[row] === null) continue;
        target[Math.min(target.length - 1, Math.max(0, Number(bin[row])))] += count;
      } else {
        const value = toPlain(valueCol.get(`k${i}`)![row]);
        if (value === null) continue;
        target.set(JSON.stringify(value), { value, count });
      }
    }
  }
  return out;
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


/** A computed (never user-given) number as SQL text; refuses NaN and infinities. */
function literal(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return `CAST(${String(x)} AS DOUBLE)`;
}
