import { suggest } from '../../language-server/analysis/did-you-mean.js';
import { kindOf, type ColumnInfo } from './column-types.js';
import { rowsOf, type DataEngine, type QueryOptions, type Row } from './engine.js';
import { DataError } from './errors.js';
import { describeRelation, type Relation } from './relation.js';
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
   * Count exactly how many feature rows each label had to skip for being later than it (needs a windowed
   * pass over each view). Off, only the number of label rows that had such rows is reported. Default on.
   */
  exactLeakage?: boolean;
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
  const exact = opts.exactLeakage ?? true;
  return engine.session(async (s) => {
    const joined = s.temp('pit');
    const b = new Binder();
    await s.run(`CREATE TEMP TABLE ${joined} AS ${pitSelect(spec, checked, b, exact)}`, b.params);
    const stats = statsOf(spec, (await s.rows(statsSql(spec, joined, exact)))[0], exact);
    const hidden = internalColumns(spec);
    const select = `SELECT * EXCLUDE (${hidden.join(', ')}) FROM ${joined} ORDER BY __label_row`;
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
    if (timeKind(ts, 'timestamp', v.name) !== kind) {
      throw new DataError(`${v.name}: timestamp '${ts.name}' is ${ts.type} but label time '${lt.name}' is ${lt.type}`, 'wrong-type', { column: ts.name });
    }
    if (v.created) timeKind(find(cols, v.created, 'created', v.name), 'created', v.name);
    if (v.ttlMs !== undefined && kind !== 'temporal') {
      throw new DataError(`${v.name}: a TTL needs timestamp columns, not numbers`, 'invalid-argument');
    }
    for (const f of v.features) find(cols, f.column, 'feature', v.name);
  }
  return { labelCols, timeKind: kind, keyAsText };
}

function internalColumns(spec: PitSpec): string[] {
  const cols = ['__label_row', '__t', ...spec.entity.map((_, k) => `__lk${k}`)];
  spec.views.forEach((_, i) => cols.push(`__ts${i}`, `__alive${i}`, `__cnt${i}`, `__max${i}`, `__rank${i}`));
  return cols;
}

function pitSelect(spec: PitSpec, checked: Checked, b: Binder, exact: boolean): string {
  const temporal = checked.timeKind === 'temporal';
  const asTime = (x: string) => (temporal ? `CAST(${x} AS TIMESTAMP)` : `CAST(${x} AS DOUBLE)`);
  const top = temporal ? `'infinity'::TIMESTAMP` : `'inf'::DOUBLE`;
  const bottom = temporal ? `'-infinity'::TIMESTAMP` : `'-inf'::DOUBLE`;
  const anyText = (k: number) => checked.keyAsText.some((v) => v[k]);
  const key = (x: string, k: number) => (anyText(k) ? `CAST(${x} AS VARCHAR)` : x);

  const ctes: string[] = [];
  // Label order is kept so that previews and files list labels as the label file does.
  ctes.push(`__labels AS NOT MATERIALIZED (SELECT *, row_number() OVER () AS __label_row, ${asTime(ident(spec.labelTime))} AS __t,
    ${spec.entity.map((e, k) => `${key(ident(e), k)} AS __lk${k}`).join(', ')} FROM ${spec.labels.sql(b)})`);
  const selects = ['l.*'];
  const joins: string[] = [];
  spec.views.forEach((v, i) => {
    const keys = v.entity.map((e, k) => `${key(ident(e), k)} AS __k${k}`).join(', ');
    const created = v.created ? `coalesce(${asTime(ident(v.created))}, ${bottom})` : undefined;
    const order = `__ts${created ? ', __cr' : ''}`;
    const feats = v.features.map((f, j) => `${ident(f.column)} AS __f${j}`).join(', ');
    // The inner select fixes names and types once; the window (exact leakage only) counts, for each row,
    // the rows of its entity at or before it in (event time, created) order, ties included.
    const base = `SELECT ${keys}, ${asTime(ident(v.timestamp))} AS __ts${created ? `, ${created} AS __cr` : ''}${feats ? `, ${feats}` : ''}
      FROM ${v.relation.sql(b)} WHERE ${ident(v.timestamp)} IS NOT NULL`;
    const partition = v.entity.map((_, k) => `__k${k}`).join(', ');
    ctes.push(exact
      ? `__v${i} AS NOT MATERIALIZED (SELECT *, count(*) OVER (PARTITION BY ${partition} ORDER BY ${order}) AS __rank FROM (${base}))`
      : `__v${i} AS NOT MATERIALIZED (${base})`);
    ctes.push(`__m${i} AS (SELECT ${partition}, count(*) AS __cnt, max(__ts) AS __max FROM __v${i} GROUP BY ${partition})`);
    const on = v.entity.map((_, k) => `l.__lk${k} = v${i}.__k${k}`).join(' AND ');
    // ASOF takes the greatest right-hand value ≤ the left one. With a created column the ordering key is the
    // pair (event time, created), compared as a struct: the latest event time first, then the latest created.
    const ineq = created
      ? `{'t': l.__t, 'c': ${top}} >= {'t': v${i}.__ts, 'c': v${i}.__cr}`
      : `l.__t >= v${i}.__ts`;
    joins.push(`ASOF LEFT JOIN __v${i} v${i} ON ${on} AND ${ineq}`);
    joins.push(`LEFT JOIN __m${i} m${i} ON ${v.entity.map((_, k) => `l.__lk${k} = m${i}.__k${k}`).join(' AND ')}`);
    const alive = v.ttlMs !== undefined
      ? `(v${i}.__ts IS NOT NULL AND v${i}.__ts >= l.__t - to_milliseconds(${b.bind(v.ttlMs)}))`
      : `(v${i}.__ts IS NOT NULL)`;
    v.features.forEach((f, j) => selects.push(`CASE WHEN ${alive} THEN v${i}.__f${j} END AS ${ident(f.as)}`));
    selects.push(`v${i}.__ts AS __ts${i}`, `${alive} AS __alive${i}`, `m${i}.__cnt AS __cnt${i}`, `m${i}.__max AS __max${i}`,
      `${exact ? `v${i}.__rank` : 'NULL::BIGINT'} AS __rank${i}`);
  });
  return `WITH ${ctes.join(',\n')} SELECT ${selects.join(', ')} FROM __labels l ${joins.join(' ')}`;
}

function statsSql(spec: PitSpec, table: string, exact: boolean): string {
  const parts = ['count(*) AS label_rows'];
  spec.views.forEach((v, i) => {
    parts.push(
      `count(*) FILTER (WHERE __alive${i}) AS matched${i}`,
      `count(*) FILTER (WHERE __ts${i} IS NULL) AS no_match${i}`,
      `count(*) FILTER (WHERE __ts${i} IS NOT NULL AND NOT __alive${i}) AS expired${i}`,
      `count(*) FILTER (WHERE __max${i} > __t) AS future_labels${i}`,
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
