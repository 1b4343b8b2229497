import { suggest } from '../../language-server/analysis/did-you-mean.js';
import { kindOf, type ColumnInfo } from './column-types.js';
import { rowsOf, type DataEngine, type QueryOptions, type Row } from './engine.js';
import { DataError } from './errors.js';
import { describeRelation, type Relation } from './relation.js';
import { estimateRows } from './sources.js';
import { Binder, ident } from './sql.js';
import { num } from './values.js';

export interface PitFeature {
  /** Column of the view. */
  column: string;
  /** Name in the output (the column's own name unless that would collide). */
  as: string;
}

export interface PitView {
  name: string;
  relation: Relation;
  /** The view's entity key columns, in the same order as the labels' entity columns. */
  entity: string[];
  /** Event timestamp: a row may be used from this time on. */
  timestamp: string;
  /** Created timestamp: breaks ties between rows with the same event timestamp (latest wins). */
  created?: string;
  /** Rows older than label time − TTL do not count (Feast's ttl). */
  ttlMs?: number;
  features: PitFeature[];
}

export interface PitSpec {
  labels: Relation;
  /** Entity key columns of the labels. */
  entity: string[];
  /** The time at which each label row's features must be known. */
  labelTime: string;
  views: PitView[];
}

export interface PitOptions extends QueryOptions {
  /** Rows to return (all when undefined); statistics always cover every label row. */
  limit?: number;
  /** Also write the joined rows (all of them) to this Parquet file. */
  out?: string;
  /**
   * Count exactly how many feature rows each label had to skip for being later than it. That needs a
   * windowed pass (a second sort) over each view, about as costly as the join itself; without it only
   * the number of label rows that had such rows is reported. 'auto' (default): exact up to
   * EXACT_LEAKAGE_ROWS feature rows.
   */
  exactLeakage?: boolean | 'auto';
}

export interface PitViewStats {
  view: string;
  /** Label rows that got this view's features. */
  matched: number;
  /** Label rows with no row of this entity at or before the label time. */
  no_match: number;
  /** Label rows whose latest earlier row was older than the TTL. */
  expired_by_ttl: number;
  /** Label rows for which this entity has rows after the label time (a naive latest-row join would leak). */
  labels_with_future_rows: number;
  /** Feature rows excluded for being in the future, summed over label rows (exact mode only). */
  future_rows_excluded: number | null;
}

export interface PitStats {
  label_rows: number;
  views: PitViewStats[];
  /** Per feature column: share of label rows left null. */
  null_rates: Record<string, number>;
}

export interface PitResult {
  columns: ColumnInfo[];
  rows: Row[];
  stats: PitStats;
  elapsed_ms: number;
}

interface Checked {
  labelCols: ColumnInfo[];
  timeKind: 'temporal' | 'numeric';
  /** The label and view time columns differ in type: compare them all as TIMESTAMP (or DOUBLE). */
  castTime: boolean;
  /** Per view and key position: compare the keys as text because their types differ. */
  keyAsText: boolean[][];
}

/**
 * Joins every label row to each feature view with Feast's point-in-time semantics, on DuckDB's ASOF
 * JOIN: the row with the latest event timestamp ≤ label time (≥ label time − TTL when there is a TTL),
 * ties on the event timestamp going to the latest created timestamp, no match leaving nulls.
 */
export async function pointInTimeJoin(engine: DataEngine, spec: PitSpec, opts: PitOptions = {}): Promise<PitResult> {
  const started = performance.now();
  engine.assertTrusted();
  const checked = await checkSpec(engine, spec, opts);
  const exact = opts.exactLeakage === undefined || opts.exactLeakage === 'auto'
    ? (await featureRows(engine, spec, opts)) <= EXACT_LEAKAGE_ROWS
    : opts.exactLeakage;
  return engine.session(async (s) => {
    const joined = s.temp('pit');
    const b = new Binder();
    await s.run(`CREATE TEMP TABLE ${joined} AS ${pitSelect(spec, checked, b, exact)}`, b.params);
    const stats = statsOf(spec, (await s.rows(statsSql(spec, checked, joined, exact)))[0], exact);
    // Sorted by every output column, label columns first: deterministic, and a top-N (cheap) for previews.
    const select = `SELECT * EXCLUDE (${internalColumns(spec, checked).join(', ')}) FROM ${joined} ORDER BY ALL`;
    if (opts.out) {
      const ob = new Binder();
      await s.run(`COPY (${select}) TO ${ob.bind(opts.out)} (FORMAT parquet)`, ob.params);
    }
    const limit = opts.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(opts.limit))}`;
    const reader = await s.reader(`${select}${limit}`);
    const columns = reader.columnNames().map((name, i) => ({ name, type: reader.columnType(i).toString() }));
    return { columns, rows: rowsOf(reader), stats, elapsed_ms: Math.round(performance.now() - started) };
  }, opts);
}

const TWO_64 = '18446744073709551616';

/** Feature rows up to which the exact leakage count is on by default (it costs a second sort of each view). */
export const EXACT_LEAKAGE_ROWS = 2_000_000;

async function featureRows(engine: DataEngine, spec: PitSpec, opts: QueryOptions): Promise<number> {
  let total = 0;
  for (const v of spec.views) for (const src of v.relation.sources) total += await estimateRows(engine, src, opts);
  return total;
}

function missing(what: string, name: string, cols: ColumnInfo[], where: string): DataError {
  const s = suggest(name, cols.map((c) => c.name));
  return new DataError(`${where} has no ${what} column '${name}'${s.length ? ` — did you mean '${s[0]}'?` : ''}`, 'unknown-column', { column: name, suggestions: s });
}

function timeKind(c: ColumnInfo, role: string, where: string): 'temporal' | 'numeric' {
  const k = kindOf(c.type);
  if (k === 'temporal' || k === 'numeric') return k;
  throw new DataError(`${where}: the ${role} column '${c.name}' is ${c.type}; it must be a timestamp, a date or a number`, 'wrong-type', { column: c.name });
}

/** Every named column exists and the time columns are comparable: failing here gives a clear message. */
async function checkSpec(engine: DataEngine, spec: PitSpec, opts: QueryOptions): Promise<Checked> {
  const labelCols = await describeRelation(engine, spec.labels, opts);
  const find = (cols: ColumnInfo[], name: string, what: string, where: string) =>
    cols.find((c) => c.name === name) ?? (() => { throw missing(what, name, cols, where); })();
  const lt = find(labelCols, spec.labelTime, 'label time', spec.labels.label);
  const kind = timeKind(lt, 'label time', spec.labels.label);
  const keyAsText: boolean[][] = [];
  const timeTypes = new Set([lt.type]);
  for (const v of spec.views) {
    const cols = await describeRelation(engine, v.relation, opts);
    if (v.entity.length !== spec.entity.length) {
      throw new DataError(`${v.name}: ${v.entity.length} entity column(s) but the labels have ${spec.entity.length}`, 'invalid-argument');
    }
    keyAsText.push(v.entity.map((e, i) => {
      const vk = find(cols, e, 'entity', v.name);
      const lk = find(labelCols, spec.entity[i], 'entity', spec.labels.label);
      return kindOf(vk.type) !== kindOf(lk.type);
    }));
    const ts = find(cols, v.timestamp, 'timestamp', v.name);
    timeTypes.add(ts.type);
    if (timeKind(ts, 'timestamp', v.name) !== kind) {
      throw new DataError(`${v.name}: timestamp '${ts.name}' is ${ts.type} but label time '${lt.name}' is ${lt.type}`, 'wrong-type', { column: ts.name });
    }
    if (v.created) timeKind(find(cols, v.created, 'created', v.name), 'created', v.name);
    if (v.ttlMs !== undefined && kind !== 'temporal') {
      throw new DataError(`${v.name}: a TTL needs timestamp columns, not numbers`, 'invalid-argument');
    }
    for (const f of v.features) find(cols, f.column, 'feature', v.name);
  }
  return { labelCols, timeKind: kind, keyAsText, castTime: timeTypes.size > 1 };
}

function internalColumns(spec: PitSpec, checked: Checked): string[] {
  const cols = [...(checked.castTime ? ['__t'] : []), ...spec.entity.flatMap((_, k) => (checked.keyAsText.some((v) => v[k]) ? [`__lk${k}`] : []))];
  spec.views.forEach((_, i) => cols.push(`__ts${i}`, `__alive${i}`, `__cnt${i}`, `__max${i}`, `__rank${i}`));
  return cols;
}

/**
 * The join as one statement. Columns are renamed, not copied, and cast only when the two sides' types
 * differ: the statement should cost little more than the bare ASOF JOIN it is built on (see bench/).
 */
function pitSelect(spec: PitSpec, checked: Checked, b: Binder, exact: boolean): string {
  const temporal = checked.timeKind === 'temporal';
  const cast = (x: string) => (temporal ? `CAST(${x} AS TIMESTAMP)` : `CAST(${x} AS DOUBLE)`);
  const time = (x: string) => (checked.castTime ? cast(x) : x);
  const top = temporal ? `'infinity'::TIMESTAMP` : `'inf'::DOUBLE`;
  const bottom = temporal ? `'-infinity'::TIMESTAMP` : `'-inf'::DOUBLE`;
  const asText = (k: number) => checked.keyAsText.some((v) => v[k]);
  const key = (x: string, k: number) => (asText(k) ? `CAST(${x} AS VARCHAR)` : x);

  const extra = [
    ...(checked.castTime ? [`${cast(ident(spec.labelTime))} AS __t`] : []),
    ...spec.entity.flatMap((e, k) => (asText(k) ? [`${key(ident(e), k)} AS __lk${k}`] : [])),
  ];
  const labelTime = checked.castTime ? 'l.__t' : `l.${ident(spec.labelTime)}`;
  const labelKey = (k: number) => (asText(k) ? `l.__lk${k}` : `l.${ident(spec.entity[k])}`);
  const ctes = [`__labels AS NOT MATERIALIZED (SELECT *${extra.length ? `, ${extra.join(', ')}` : ''} FROM ${spec.labels.sql(b)})`];
  const selects = ['l.*'];
  const joins: string[] = [];
  spec.views.forEach((v, i) => {
    const keys = v.entity.map((e, k) => `${key(ident(e), k)} AS __k${k}`).join(', ');
    // With a created column the ASOF key is the pair (event time, created). For timestamps it is packed
    // into one HUGEINT, event µs × 2⁶⁴ + created µs (offset to be ≥ 0): half the memory and time of a
    // struct key. Numbers fall back to a struct, whose fields must have one type on both sides.
    const packed = !!v.created && temporal;
    const t = v.created ? cast : time;
    const feats = v.features.map((f, j) => `${ident(f.column)} AS __f${j}`).join(', ');
    const createdCol = !v.created ? ''
      : packed ? `, coalesce(epoch_us(${cast(ident(v.created))}), ${-(2 ** 62)}) + ${2 ** 62} AS __cr`
      : `, coalesce(${cast(ident(v.created))}, ${bottom}) AS __cr`;
    const base = `SELECT *${packed ? `, CAST(epoch_us(__ts) AS HUGEINT) * ${TWO_64} + __cr AS __key` : ''}
      FROM (SELECT ${keys}, ${t(ident(v.timestamp))} AS __ts${createdCol}${feats ? `, ${feats}` : ''} FROM ${v.relation.sql(b)})`;
    const partition = v.entity.map((_, k) => `__k${k}`).join(', ');
    // Exact leakage: for each row, the rows of its entity at or before it in (event time, created) order,
    // peers included; a label's future rows are then the entity's rows minus its match's rank.
    ctes.push(exact
      ? `__v${i} AS NOT MATERIALIZED (SELECT *, count(__ts) OVER (PARTITION BY ${partition} ORDER BY __ts${v.created ? ', __cr' : ''}) AS __rank FROM (${base}))`
      : `__v${i} AS NOT MATERIALIZED (${base})`);
    // Per entity: the latest event time (a label earlier than it had future rows) and, when exact, the row count.
    ctes.push(`__m${i} AS (SELECT ${partition}, ${exact ? 'count(__ts)' : 'NULL::BIGINT'} AS __cnt, max(__ts) AS __max FROM __v${i} GROUP BY ${partition})`);
    const on = (alias: string) => v.entity.map((_, k) => `${labelKey(k)} = ${alias}.__k${k}`).join(' AND ');
    // ASOF takes the greatest right-hand value ≤ the left one: the latest row at or before the label time,
    // or the greatest (event time, created) pair, the label side pairing its time with the largest created.
    const ineq = packed
      ? `CAST(epoch_us(${cast(labelTime)}) AS HUGEINT) * ${TWO_64} + ${TWO_64} - 1 >= v${i}.__key`
      : v.created
        ? `{'t': ${cast(labelTime)}, 'c': ${top}} >= {'t': v${i}.__ts, 'c': v${i}.__cr}`
        : `${labelTime} >= v${i}.__ts`;
    joins.push(`ASOF LEFT JOIN __v${i} v${i} ON ${on(`v${i}`)} AND ${ineq}`);
    joins.push(`LEFT JOIN __m${i} m${i} ON ${on(`m${i}`)}`);
    const alive = v.ttlMs !== undefined
      ? `(v${i}.__ts IS NOT NULL AND v${i}.__ts >= ${labelTime} - to_milliseconds(${b.bind(v.ttlMs)}))`
      : `(v${i}.__ts IS NOT NULL)`;
    v.features.forEach((f, j) => selects.push(`CASE WHEN ${alive} THEN v${i}.__f${j} END AS ${ident(f.as)}`));
    selects.push(`v${i}.__ts AS __ts${i}`, `${alive} AS __alive${i}`, `m${i}.__cnt AS __cnt${i}`, `m${i}.__max AS __max${i}`,
      `${exact ? `v${i}.__rank` : 'NULL::BIGINT'} AS __rank${i}`);
  });
  return `WITH ${ctes.join(',\n')} SELECT ${selects.join(', ')} FROM __labels l ${joins.join(' ')}`;
}

function statsSql(spec: PitSpec, checked: Checked, table: string, exact: boolean): string {
  const labelTime = checked.castTime ? '__t' : ident(spec.labelTime);
  const parts = ['count(*) AS label_rows'];
  spec.views.forEach((v, i) => {
    parts.push(
      `count(*) FILTER (WHERE __alive${i}) AS matched${i}`,
      `count(*) FILTER (WHERE __ts${i} IS NULL) AS no_match${i}`,
      `count(*) FILTER (WHERE __ts${i} IS NOT NULL AND NOT __alive${i}) AS expired${i}`,
      `count(*) FILTER (WHERE __max${i} > ${labelTime}) AS future_labels${i}`,
      exact ? `sum(coalesce(__cnt${i}, 0) - coalesce(__rank${i}, 0)) AS future_rows${i}` : `NULL AS future_rows${i}`,
    );
    v.features.forEach((f) => parts.push(`count(*) - count(${ident(f.as)}) AS ${ident(`nulls_${f.as}`)}`));
  });
  return `SELECT ${parts.join(', ')} FROM ${table}`;
}

function statsOf(spec: PitSpec, r: Row, exact: boolean): PitStats {
  const labelRows = num(r.label_rows) ?? 0;
  const nullRates: Record<string, number> = {};
  const views = spec.views.map((v, i) => {
    v.features.forEach((f) => { nullRates[f.as] = labelRows ? (num(r[`nulls_${f.as}`]) ?? 0) / labelRows : 0; });
    return {
      view: v.name,
      matched: num(r[`matched${i}`]) ?? 0,
      no_match: num(r[`no_match${i}`]) ?? 0,
      expired_by_ttl: num(r[`expired${i}`]) ?? 0,
      labels_with_future_rows: num(r[`future_labels${i}`]) ?? 0,
      future_rows_excluded: exact ? num(r[`future_rows${i}`]) ?? 0 : null,
    };
  });
  return { label_rows: labelRows, views, null_rates: nullRates };
}

/** Output names: each feature under its own name, prefixed by its view only when two would collide. */
export function featureNames(labelColumns: string[], views: { name: string; features: string[] }[]): PitFeature[][] {
  const count = new Map<string, number>();
  for (const c of labelColumns) count.set(c, (count.get(c) ?? 0) + 1);
  for (const v of views) for (const f of v.features) count.set(f, (count.get(f) ?? 0) + 1);
  return views.map((v) => v.features.map((f) => ({ column: f, as: (count.get(f) ?? 0) > 1 ? `${v.name}__${f}` : f })));
}
