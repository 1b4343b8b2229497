import { suggest } from '../../language-server/analysis/did-you-mean.js';
import { kindOf, type ColumnInfo } from './column-types.js';
import type { DataEngine, QueryOptions, Row } from './engine.js';
import { DataError } from './errors.js';
import { chiSquareTest, fillZeroes, jensenShannon, ksPValue, psi, zTest } from './drift-stats.js';
import { describeRelation, type Relation } from './relation.js';
import { Binder, ident } from './sql.js';
import { num, type Plain } from './values.js';

export type DriftMethod = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';
export const DRIFT_METHODS: readonly DriftMethod[] = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'];

/** p-value tests drift below their threshold; distances drift at or above theirs (Evidently's defaults). */
const THRESHOLD: Record<DriftMethod, number> = { ks: 0.05, chisquare: 0.05, z: 0.05, wasserstein: 0.1, jensenshannon: 0.1, psi: 0.1 };
const IS_TEST: Record<DriftMethod, boolean> = { ks: true, chisquare: true, z: true, wasserstein: false, jensenshannon: false, psi: false };

export interface DriftOptions extends QueryOptions {
  columns?: string[];
  /** Force one method for every column (default: Evidently's choice per column). */
  method?: DriftMethod;
  /** Override the method's threshold. */
  threshold?: number;
}

export type HistogramEntry = { lo: number; hi: number; count: number } | { value: Plain; count: number };

export interface ColumnDrift {
  name: string;
  type: string;
  method: DriftMethod;
  /** The p-value for tests (ks, chisquare, z), the distance otherwise. */
  score: number | null;
  threshold: number;
  drifted: boolean;
  reference_hist: HistogramEntry[];
  current_hist: HistogramEntry[];
  /** Why a forced method could not apply to this column. */
  error?: string;
}

export interface DriftReport {
  columns: ColumnDrift[];
  drift_share: number;
  /** At least half of the columns drifted (Evidently's dataset drift rule). */
  dataset_drift: boolean;
  reference_rows: number;
  current_rows: number;
  elapsed_ms: number;
}

interface ColumnPlan {
  col: ColumnInfo;
  numeric: boolean;
  /** Values as DOUBLE for numeric work: timestamps become epoch seconds. */
  value: string;
  method: DriftMethod;
  /**
   * Numeric with more than 20 distinct reference values: equal-width bins over both samples, as many as
   * numpy's Sturges rule gives (⌈log₂ N + 1⌉ for N values), like Evidently's get_binned_data.
   */
  binned: boolean;
  bins: number;
  lo: number;
  hi: number;
  error?: string;
}

/**
 * Per-column drift between a reference and a current data set, choosing each column's test as Evidently
 * does. DuckDB does the counting: one statistics scan and one histogram scan per data set, plus, for
 * KS and Wasserstein, one grouped-CDF query per column; p-values and distances are computed from those.
 */
export async function driftReport(engine: DataEngine, reference: Relation, current: Relation, opts: DriftOptions = {}): Promise<DriftReport> {
  const started = performance.now();
  engine.assertTrusted();
  const refCols = await describeRelation(engine, reference, opts);
  const curCols = await describeRelation(engine, current, opts);
  const cols = pickColumns(refCols, curCols, opts.columns);

  const refStats = await statsScan(engine, reference, cols, opts);
  const curStats = await statsScan(engine, current, cols, opts);
  const refRows = num(refStats.__rows) ?? 0;
  const curRows = num(curStats.__rows) ?? 0;
  if (!refRows) throw new DataError(`${reference.label}: no rows to compare with`, 'empty-file');
  const distinct = await exactDistinct(engine, reference, current, cols, refStats, curStats, opts);

  const plans = cols.map((col, i): ColumnPlan => {
    const k = kindOf(col.type);
    const numeric = k === 'numeric' || k === 'temporal';
    const union = distinct.union[i];
    const method = opts.method ?? defaultMethod(numeric, refRows, union);
    const lo = Math.min(num(refStats[`lo${i}`]) ?? Infinity, num(curStats[`lo${i}`]) ?? Infinity);
    const hi = Math.max(num(refStats[`hi${i}`]) ?? -Infinity, num(curStats[`hi${i}`]) ?? -Infinity);
    const values = (num(refStats[`n${i}`]) ?? 0) + (num(curStats[`n${i}`]) ?? 0);
    const plan: ColumnPlan = {
      col, numeric, method, lo, hi, bins: lo === hi ? 1 : Math.max(1, Math.ceil(Math.log2(Math.max(1, values)) + 1)),
      value: k === 'temporal' ? `CAST(epoch(${ident(col.name)}) AS DOUBLE)` : `CAST(${ident(col.name)} AS DOUBLE)`,
      binned: numeric && distinct.reference[i] > 20 && Number.isFinite(lo),
    };
    if (!numeric && (method === 'ks' || method === 'wasserstein')) plan.error = `${method} needs a numeric column; '${col.name}' is ${col.type}`;
    if (numeric && lo === hi) { plan.lo = lo - 0.5; plan.hi = hi + 0.5; } // numpy.histogram_bin_edges on a constant
    return plan;
  });

  const refHist = await histogramScan(engine, reference, plans, opts);
  const curHist = await histogramScan(engine, current, plans, opts);
  const columns: ColumnDrift[] = [];
  for (const [i, plan] of plans.entries()) {
    columns.push(await driftOf(engine, reference, current, plan, refHist[i], curHist[i],
      num(refStats[`n${i}`]) ?? 0, num(curStats[`n${i}`]) ?? 0, num(refStats[`sd${i}`]), opts));
  }
  const counted = columns.filter((c) => c.score !== null);
  const share = counted.length ? counted.filter((c) => c.drifted).length / counted.length : 0;
  return {
    columns, drift_share: share, dataset_drift: counted.length > 0 && share >= 0.5,
    reference_rows: refRows, current_rows: curRows, elapsed_ms: Math.round(performance.now() - started),
  };
}

/** Evidently's default test: by reference size, column type and the number of distinct values in both samples. */
export function defaultMethod(numeric: boolean, referenceRows: number, distinctValues: number): DriftMethod {
  if (referenceRows <= 1000) {
    if (numeric && distinctValues > 5) return 'ks';
    return distinctValues > 2 ? 'chisquare' : 'z';
  }
  return numeric && distinctValues > 5 ? 'wasserstein' : 'jensenshannon';
}

function pickColumns(ref: ColumnInfo[], cur: ColumnInfo[], wanted?: string[]): ColumnInfo[] {
  const usable = ref.filter((c) => kindOf(c.type) !== 'other' && cur.some((d) => d.name === c.name));
  if (!wanted?.length) {
    if (!usable.length) throw new DataError('the two data sets have no column in common', 'unknown-column');
    return usable;
  }
  return wanted.map((w) => {
    const c = ref.find((x) => x.name === w);
    const inCur = cur.some((x) => x.name === w);
    if (c && inCur) return c;
    const where = c ? 'the current data' : 'the reference data';
    const s = suggest(w, (c ? cur : ref).map((x) => x.name));
    throw new DataError(`${where} has no column '${w}'${s.length ? ` — did you mean '${s[0]}'?` : ''}`, 'unknown-column', { column: w, suggestions: s });
  });
}

async function statsScan(engine: DataEngine, rel: Relation, cols: ColumnInfo[], opts: QueryOptions): Promise<Row> {
  const b = new Binder();
  const parts = ['count(*) AS __rows'];
  cols.forEach((c, i) => {
    const x = ident(c.name);
    const k = kindOf(c.type);
    parts.push(`count(${x}) AS n${i}`, `approx_count_distinct(${x}) AS d${i}`);
    if (k === 'numeric' || k === 'temporal') {
      const v = k === 'temporal' ? `CAST(epoch(${x}) AS DOUBLE)` : `CAST(${x} AS DOUBLE)`;
      parts.push(`min(${v}) AS lo${i}`, `max(${v}) AS hi${i}`, `stddev_pop(${v}) AS sd${i}`);
    }
  });
  return (await engine.rows(`SELECT ${parts.join(', ')} FROM ${rel.sql(b)}`, b.params, opts))[0];
}

/**
 * Exact distinct counts where the decision depends on them (the thresholds are 2, 5 and 20 values):
 * only for columns whose estimate is small, so high-cardinality columns are never counted exactly.
 */
async function exactDistinct(
  engine: DataEngine, refRel: Relation, curRel: Relation, cols: ColumnInfo[], refStats: Row, curStats: Row, opts: QueryOptions,
): Promise<{ reference: number[]; union: number[] }> {
  const estimate = (i: number) => Math.max(num(refStats[`d${i}`]) ?? 0, num(curStats[`d${i}`]) ?? 0);
  const small = cols.map((_, i) => i).filter((i) => estimate(i) <= 100);
  const reference = cols.map((_, i) => num(refStats[`d${i}`]) ?? 0);
  const union = cols.map((_, i) => estimate(i));
  if (!small.length) return { reference, union };
  const b = new Binder();
  const names = small.map((i) => ident(cols[i].name)).join(', ');
  const parts = small.flatMap((i) => [
    `count(DISTINCT ${ident(cols[i].name)}) FILTER (WHERE __side = 0) AS r${i}`, `count(DISTINCT ${ident(cols[i].name)}) AS u${i}`,
  ]);
  const row = (await engine.rows(`SELECT ${parts.join(', ')} FROM (SELECT ${names}, 0 AS __side FROM ${refRel.sql(b)}
    UNION ALL SELECT ${names}, 1 FROM ${curRel.sql(b)})`, b.params, opts))[0];
  for (const i of small) {
    reference[i] = num(row[`r${i}`]) ?? 0;
    union[i] = num(row[`u${i}`]) ?? 0;
  }
  return { reference, union };
}

type Counts = Map<string, { value: Plain; count: number }>;

/** One scan per data set: equal-width bins for binned numeric columns, value counts for the rest. */
async function histogramScan(engine: DataEngine, rel: Relation, plans: ColumnPlan[], opts: QueryOptions): Promise<Counts[]> {
  const b = new Binder();
  const parts = plans.map((p, i) => {
    if (p.binned) {
      const w = (p.hi - p.lo) / p.bins;
      return `histogram(least(CAST(floor((${p.value} - ${b.bind(p.lo)}) / ${b.bind(w)}) AS BIGINT), ${p.bins - 1})) FILTER (WHERE ${ident(p.col.name)} IS NOT NULL) AS h${i}`;
    }
    return `histogram(${p.numeric ? p.value : ident(p.col.name)}) AS h${i}`;
  });
  const row = (await engine.rows(`SELECT ${parts.join(', ')} FROM ${rel.sql(b)}`, b.params, opts))[0];
  return plans.map((_, i) => {
    const m: Counts = new Map();
    for (const e of (row[`h${i}`] as { key: Plain; value: Plain }[] | null) ?? []) m.set(JSON.stringify(e.key), { value: e.key, count: num(e.value) ?? 0 });
    return m;
  });
}

/** The ECDF comparison KS and Wasserstein need, over the distinct values of both samples, grouped in DuckDB. */
async function ecdfDistances(engine: DataEngine, refRel: Relation, curRel: Relation, plan: ColumnPlan, n1: number, n2: number, opts: QueryOptions) {
  const b = new Binder();
  const x = ident(plan.col.name);
  const rows = await engine.rows(`
    WITH v AS (SELECT ${plan.value} AS x, 1 AS a, 0 AS c FROM ${refRel.sql(b)} WHERE ${x} IS NOT NULL
               UNION ALL SELECT ${plan.value}, 0, 1 FROM ${curRel.sql(b)} WHERE ${x} IS NOT NULL),
         g AS (SELECT x, sum(a) AS a, sum(c) AS c FROM v GROUP BY x),
         f AS (SELECT x, sum(a) OVER w / ${b.bind(n1)} AS f1, sum(c) OVER w / ${b.bind(n2)} AS f2, lead(x) OVER w AS nx
               FROM g WINDOW w AS (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
    SELECT max(abs(f1 - f2)) AS d, sum(abs(f1 - f2) * coalesce(nx - x, 0)) AS w FROM f`, b.params, opts);
  return { d: num(rows[0].d) ?? 0, w: num(rows[0].w) ?? 0 };
}

async function driftOf(
  engine: DataEngine, refRel: Relation, curRel: Relation, plan: ColumnPlan, refCounts: Counts, curCounts: Counts,
  n1: number, n2: number, refSd: number | null, opts: QueryOptions & { threshold?: number },
): Promise<ColumnDrift> {
  const method = plan.method;
  const threshold = opts.threshold ?? THRESHOLD[method];
  const { keys, ref, cur, refHist, curHist } = aligned(plan, refCounts, curCounts);
  const out: ColumnDrift = { name: plan.col.name, type: plan.col.type, method, score: null, threshold, drifted: false, reference_hist: refHist, current_hist: curHist };
  if (plan.error) return { ...out, error: plan.error };
  if (!n1 || !n2) return { ...out, error: `no values in the ${n1 ? 'current' : 'reference'} data` };
  let score: number;
  switch (method) {
    case 'ks': score = ksPValue((await ecdfDistances(engine, refRel, curRel, plan, n1, n2, opts)).d, n1, n2); break;
    case 'wasserstein': {
      const { w } = await ecdfDistances(engine, refRel, curRel, plan, n1, n2, opts);
      // Evidently normalises by the reference's population standard deviation, floored at 0.001.
      score = w / Math.max(refSd ?? 0, 0.001);
      break;
    }
    case 'chisquare': score = chiSquareTest(ref, cur).pValue; break;
    case 'z':
      // Evidently: the share of the first (sorted) value in each sample; p = 1 when both hold one same value.
      score = keys.length <= 1 ? 1 : zTest(ref[0], n1, cur[0], n2).pValue;
      break;
    case 'jensenshannon': score = jensenShannon(ref.map((c) => c / n1), cur.map((c) => c / n2)); break;
    case 'psi': score = psi(fillZeroes(ref.map((c) => c / n1)), fillZeroes(cur.map((c) => c / n2))); break;
  }
  return { ...out, score, drifted: IS_TEST[method] ? score < threshold : score >= threshold };
}

/** Both samples' counts over the same keys, in a stable order (bins by index, values sorted). */
function aligned(plan: ColumnPlan, refCounts: Counts, curCounts: Counts) {
  if (plan.binned) {
    const w = (plan.hi - plan.lo) / plan.bins;
    const count = (m: Counts, k: number) => m.get(String(k))?.count ?? 0;
    const ref = Array.from({ length: plan.bins }, (_, k) => count(refCounts, k));
    const cur = Array.from({ length: plan.bins }, (_, k) => count(curCounts, k));
    const hist = (c: number[]) => c.map((n, k) => ({ lo: plan.lo + k * w, hi: k === plan.bins - 1 ? plan.hi : plan.lo + (k + 1) * w, count: n }));
    return { keys: ref.map((_, k) => String(k)), ref, cur, refHist: hist(ref), curHist: hist(cur) };
  }
  const all = new Map<string, Plain>();
  for (const m of [refCounts, curCounts]) for (const [k, v] of m) if (v.value !== null) all.set(k, v.value);
  const keys = [...all.keys()].sort((a, b) => compare(all.get(a)!, all.get(b)!));
  const ref = keys.map((k) => refCounts.get(k)?.count ?? 0);
  const cur = keys.map((k) => curCounts.get(k)?.count ?? 0);
  const hist = (c: number[]) => keys.map((k, i) => ({ value: all.get(k)!, count: c[i] }));
  return { keys, ref, cur, refHist: hist(ref), curHist: hist(cur) };
}

function compare(a: Plain, b: Plain): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}
