import { suggest } from '../../language-server/analysis/did-you-mean.js';
import { kindOf, type ColumnInfo } from './column-types.js';
import { countScan, driftColumn, ecdfDistances, statsScan, type ColumnStats, type CountKey, type DriftColumn } from './drift-scans.js';
import type { Counts } from './grouped-counts.js';
import { chiSquareTest, fillZeroes, jensenShannon, ksPValue, psi, zTest } from './drift-stats.js';
import type { DataEngine, QueryOptions } from './engine.js';
import { DataError } from './errors.js';
import { describeRelation, type Relation } from './relation.js';
import type { Plain } from './values.js';

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


/** Largest allowed error of a binned Wasserstein distance (normalised): 1% of the default threshold. */
const WASSERSTEIN_TOLERANCE = 0.001;
/** Beyond this many fine bins (extreme outliers), the exact ECDF query is cheaper than the histogram. */
const MAX_FINE_BINS = 200_000;

interface Plan {
  column: DriftColumn;
  index: number;
  lo: number;
  hi: number;
  /** Sturges bins over both samples (numpy.histogram_bin_edges(..., bins="sturges"), Evidently's binning). */
  coarse?: Extract<CountKey, { kind: 'bins' }>;
  /** A multiple of the Sturges bins, fine enough for the Wasserstein error bound; the Sturges counts are sums of these. */
  fine?: Extract<CountKey, { kind: 'bins' }>;
  /** The fine bins would exceed MAX_FINE_BINS: compute the Wasserstein distance exactly instead. */
  exactOnly?: boolean;
}

/** Bin counts per bins key (fine and Sturges), for each data set. */
interface Observed {
  ref: Map<CountKey, Float64Array>;
  cur: Map<CountKey, Float64Array>;
}

/**
 * Per-column drift between a reference and a current data set, choosing each column's test as Evidently
 * does. DuckDB does the counting in two passes per data set (ranges, then every column's bins or value
 * counts in one GROUPING SETS query); the statistics are computed from those counts.
 *
 * The Wasserstein distance comes from fine equal-width bins: on each bin the true |F₁ − F₂| and the
 * trapezoid estimate both lie in an interval as wide as the bin's share of both samples, so the error is
 * at most 2 × bin width in total; the width is chosen to keep it below 0.001 after normalising by the
 * reference's standard deviation. Columns whose range would need too many bins use the exact ECDF.
 */
export async function driftReport(engine: DataEngine, reference: Relation, current: Relation, opts: DriftOptions = {}): Promise<DriftReport> {
  const started = performance.now();
  engine.assertTrusted();
  const refCols = await describeRelation(engine, reference, opts);
  const curCols = await describeRelation(engine, current, opts);
  const columns = pickColumns(refCols, curCols, opts.columns).map(driftColumn);
  const rs = await statsScan(engine, reference, columns, opts);
  const cs = await statsScan(engine, current, columns, opts);
  if (!rs.rows) throw new DataError(`${reference.label}: no rows to compare with`, 'empty-file');

  const plans = columns.map((column, index) => planBins(column, index, rs, cs));
  const values: CountKey = { kind: 'values' };
  const observed: Observed = { ref: new Map(), cur: new Map() };
  const valueCounts = new Map<number, { ref: Counts; cur: Counts }>();
  const count = async (wanted: { plan: Plan; key: CountKey }[]) => {
    if (!wanted.length) return;
    const keys = wanted.map((w) => ({ column: w.plan.column, key: w.key }));
    const [r, c] = [await countScan(engine, reference, keys, opts), await countScan(engine, current, keys, opts)];
    wanted.forEach((w, k) => {
      const [rk, ck] = [r[k], c[k]];
      if (rk instanceof Float64Array && ck instanceof Float64Array) { observed.ref.set(w.key, rk); observed.cur.set(w.key, ck); }
      else if (rk instanceof Map && ck instanceof Map) valueCounts.set(w.plan.index, { ref: rk, cur: ck });
    });
  };
  await count(plans.flatMap((p): { plan: Plan; key: CountKey }[] => (p.column.numeric
    ? (p.fine ? [{ plan: p, key: p.fine }] : [])
    : [{ plan: p, key: values }])));
  // Sturges bins are unions of consecutive fine bins (fine = Sturges × m): add them up instead of counting again.
  for (const p of plans) {
    if (!p.fine || !p.coarse) continue;
    const per = p.fine.bins / p.coarse.bins;
    for (const side of [observed.ref, observed.cur]) {
      const fine = side.get(p.fine)!;
      const coarse = new Float64Array(p.coarse.bins);
      for (let k = 0; k < fine.length; k++) coarse[Math.floor(k / per)] += fine[k];
      side.set(p.coarse, coarse);
    }
  }
  // Few occupied fine bins: the column may have few distinct values, which decides the test; count them exactly.
  const occupied = (bins: Float64Array | undefined) => (bins ? bins.reduce((n, c) => n + (c > 0 ? 1 : 0), 0) : 0);
  await count(plans.filter((p) => p.column.numeric && p.fine && occupied(observed.ref.get(p.fine)) <= 20).map((plan) => ({ plan, key: values })));

  const decided = plans.map((p) => {
    const vc = valueCounts.get(p.index);
    const refDistinct = vc ? vc.ref.size : occupied(p.fine && observed.ref.get(p.fine));
    const unionDistinct = vc ? new Set([...vc.ref.keys(), ...vc.cur.keys()]).size : refDistinct;
    const method = opts.method ?? defaultMethod(p.column.numeric, rs.rows, unionDistinct);
    return { p, method, binned: p.column.numeric && !!p.coarse && refDistinct > 20 };
  });
  // Chi-square and z compare raw values; forced on a many-valued numeric column, they need value counts too.
  await count(decided.filter((d) => (d.method === 'chisquare' || d.method === 'z') && d.p.column.numeric && !valueCounts.has(d.p.index))
    .map((d) => ({ plan: d.p, key: values })));

  const results: ColumnDrift[] = [];
  for (const d of decided) {
    results.push(await columnDrift(engine, reference, current, d.p, d.method, d.binned, observed, valueCounts.get(d.p.index), rs, cs, opts));
  }
  const counted = results.filter((c) => c.score !== null);
  const share = counted.length ? counted.filter((c) => c.drifted).length / counted.length : 0;
  return {
    columns: results, drift_share: share, dataset_drift: counted.length > 0 && share >= 0.5,
    reference_rows: rs.rows, current_rows: cs.rows, elapsed_ms: Math.round(performance.now() - started),
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

function planBins(column: DriftColumn, index: number, rs: ColumnStats, cs: ColumnStats): Plan {
  const los = [rs.lo[index], cs.lo[index]].filter((x): x is number => x !== null);
  const his = [rs.hi[index], cs.hi[index]].filter((x): x is number => x !== null);
  const plan: Plan = { column, index, lo: Math.min(...los), hi: Math.max(...his) };
  if (!column.numeric || !los.length) return plan;
  if (plan.lo === plan.hi) { plan.lo -= 0.5; plan.hi += 0.5; } // numpy's range for a constant sample
  const values = rs.n[index] + cs.n[index];
  const sturges = Math.max(1, Math.ceil(Math.log2(values) + 1));
  const range = plan.hi - plan.lo;
  plan.coarse = { kind: 'bins', lo: plan.lo, width: range / sturges, bins: sturges };
  const norm = Math.max(rs.sd[index] ?? 0, 0.001);
  const needed = Math.ceil((2 * range) / (WASSERSTEIN_TOLERANCE * norm));
  const perCoarse = Math.max(1, Math.ceil(needed / sturges));
  plan.exactOnly = sturges * perCoarse > MAX_FINE_BINS;
  const fineBins = Math.min(sturges * perCoarse, sturges * Math.max(1, Math.floor(MAX_FINE_BINS / sturges)));
  plan.fine = { kind: 'bins', lo: plan.lo, width: range / fineBins, bins: fineBins };
  return plan;
}

async function columnDrift(
  engine: DataEngine, reference: Relation, current: Relation, p: Plan, method: DriftMethod, binned: boolean,
  observed: Observed, vc: { ref: Counts; cur: Counts } | undefined, rs: ColumnStats, cs: ColumnStats, opts: DriftOptions,
): Promise<ColumnDrift> {
  const { col } = p.column;
  const threshold = opts.threshold ?? THRESHOLD[method];
  const n1 = rs.n[p.index], n2 = cs.n[p.index];
  const coarse = binned && p.coarse ? binCounts(p.coarse, observed.ref.get(p.coarse)!, observed.cur.get(p.coarse)!) : undefined;
  const byValue = vc ? valueArrays(vc.ref, vc.cur) : undefined;
  const shown = coarse ?? byValue ?? { ref: [], cur: [], refHist: [], curHist: [], keys: [] };
  const out: ColumnDrift = {
    name: col.name, type: col.type, method, score: null, threshold, drifted: false, reference_hist: shown.refHist, current_hist: shown.curHist,
  };
  if (!p.column.numeric && (method === 'ks' || method === 'wasserstein')) return { ...out, error: `${method} needs a numeric column; '${col.name}' is ${col.type}` };
  if (!n1 || !n2) return { ...out, error: `no values in the ${n1 ? 'current' : 'reference'} data` };
  let score: number;
  switch (method) {
    case 'ks': {
      const d = byValue ? exactGaps(byValue.keys as number[], byValue.ref, byValue.cur, n1, n2).d
        : (await ecdfDistances(engine, reference, current, p.column, n1, n2, opts)).d;
      score = ksPValue(d, n1, n2);
      break;
    }
    case 'wasserstein': {
      let w: number;
      if (byValue) w = exactGaps(byValue.keys as number[], byValue.ref, byValue.cur, n1, n2).w;
      else if (p.exactOnly || !p.fine) w = (await ecdfDistances(engine, reference, current, p.column, n1, n2, opts)).w;
      else w = binnedWasserstein(observed.ref.get(p.fine)!, observed.cur.get(p.fine)!, p.fine.width, n1, n2);
      // Evidently normalises by the reference's population standard deviation, floored at 0.001.
      score = w / Math.max(rs.sd[p.index] ?? 0, 0.001);
      break;
    }
    case 'chisquare': score = chiSquareTest(byValue!.ref, byValue!.cur).pValue; break;
    case 'z':
      // Evidently: the share of the first (sorted) value in each sample; p = 1 when both hold one same value.
      score = byValue!.keys.length <= 1 ? 1 : zTest(byValue!.ref[0], n1, byValue!.cur[0], n2).pValue;
      break;
    case 'jensenshannon': {
      const c = coarse ?? byValue!;
      score = jensenShannon(c.ref.map((x) => x / n1), c.cur.map((x) => x / n2));
      break;
    }
    case 'psi': {
      const c = coarse ?? byValue!;
      score = psi(fillZeroes(c.ref.map((x) => x / n1)), fillZeroes(c.cur.map((x) => x / n2)));
      break;
    }
  }
  return { ...out, score, drifted: IS_TEST[method] ? score < threshold : score >= threshold };
}

function binCounts(key: Extract<CountKey, { kind: 'bins' }>, ref: Float64Array, cur: Float64Array) {
  const r = Array.from(ref);
  const c = Array.from(cur);
  const edge = (k: number) => (k === key.bins ? key.lo + key.bins * key.width : key.lo + k * key.width);
  const hist = (xs: number[]) => xs.map((count, k) => ({ lo: edge(k), hi: edge(k + 1), count }));
  return { keys: r.map((_, k) => k), ref: r, cur: c, refHist: hist(r), curHist: hist(c) };
}

/** Both samples' counts over the union of their values, sorted (numbers numerically, the rest as text). */
function valueArrays(refCounts: Counts, curCounts: Counts) {
  const all = new Map<string, Plain>();
  for (const m of [refCounts, curCounts]) for (const [k, v] of m) all.set(k, v.value);
  const ordered = [...all.entries()].sort(([, a], [, b]) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
  const ref = ordered.map(([k]) => refCounts.get(k)?.count ?? 0);
  const cur = ordered.map(([k]) => curCounts.get(k)?.count ?? 0);
  const hist = (c: number[]) => ordered.map(([, value], i) => ({ value, count: c[i] }));
  return { keys: ordered.map(([, v]) => v), ref, cur, refHist: hist(ref), curHist: hist(cur) };
}

/** KS statistic and Wasserstein distance from exact value counts (few distinct values). */
function exactGaps(xs: number[], ref: number[], cur: number[], n1: number, n2: number): { d: number; w: number } {
  let c1 = 0, c2 = 0, d = 0, w = 0;
  xs.forEach((x, k) => {
    c1 += ref[k];
    c2 += cur[k];
    const gap = Math.abs(c1 / n1 - c2 / n2);
    d = Math.max(d, gap);
    if (k + 1 < xs.length) w += gap * (xs[k + 1] - x);
  });
  return { d, w };
}

/** Trapezoid estimate of ∫|F₁ − F₂| over equal-width bins (error ≤ 2 × width; see driftReport). */
function binnedWasserstein(ref: Float64Array, cur: Float64Array, width: number, n1: number, n2: number): number {
  let c1 = 0, c2 = 0, w = 0;
  for (let k = 0; k < ref.length; k++) {
    const left = c1 / n1 - c2 / n2;
    c1 += ref[k];
    c2 += cur[k];
    w += (width * (Math.abs(left) + Math.abs(c1 / n1 - c2 / n2))) / 2;
  }
  return w;
}
