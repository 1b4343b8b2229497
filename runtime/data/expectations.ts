import type { ExpectationModel, NodeRef } from '../../language-server/model/pipeline-model.js';
import { kindOf, type ColumnInfo } from './column-types.js';
import type { DataEngine, QueryOptions, Row } from './engine.js';
import { DataError, isCancelled } from './errors.js';
import { allNull, planExpectation, withinBounds, type ExpectationPlan } from './expectation-plan.js';
import { messageFor, SAMPLE_LIMIT, type ExpectationResult } from './expectation-result.js';
import { fromClause, readGuarded, type ResolvedSource } from './sources.js';
import { Binder, ident } from './sql.js';
import { num, type Plain } from './values.js';

export interface ReferenceTarget {
  src: ResolvedSource;
  column: ColumnInfo;
  /** e.g. `customers.customer_id`, for messages. */
  label: string;
}

export interface EvaluateOptions extends QueryOptions {
  /** Clock for freshness, in epoch ms (tests pin it). */
  now?: number;
  /** Resolves the other side of `values_in` expectations. */
  reference?: (ref: NodeRef) => Promise<ReferenceTarget>;
}

/**
 * Evaluates expectations against one source: one shared aggregate scan for every map and aggregate
 * expectation, one grouping query per uniqueness expectation, one anti-join per reference, and sampling
 * queries only for the expectations that failed.
 */
export async function evaluateExpectations(
  engine: DataEngine, src: ResolvedSource, sourceName: string, columns: ColumnInfo[], expectations: ExpectationModel[],
  opts: EvaluateOptions = {},
): Promise<ExpectationResult[]> {
  const plans = expectations.map((e, i) => planExpectation(e, i, columns));
  const scan = await sharedScan(engine, src, plans, opts);
  const rows = num(scan.__rows) ?? 0;
  const results: ExpectationResult[] = [];
  for (const plan of plans) {
    if (opts.signal?.aborted) throw new DataError('cancelled', 'cancelled');
    results.push(await finish(engine, src, sourceName, plan, scan, rows, opts));
  }
  return results;
}

async function sharedScan(engine: DataEngine, src: ResolvedSource, plans: ExpectationPlan[], opts: QueryOptions): Promise<Row> {
  const run = async (subset: ExpectationPlan[]) => {
    const b = new Binder();
    const parts = ['count(*) AS __rows'];
    const params = {};
    for (const p of subset) {
      for (const [alias, sql] of Object.entries(p.aggregates)) parts.push(`${sql} AS ${alias}`);
      Object.assign(params, p.params);
    }
    const sql = `SELECT ${parts.join(', ')} FROM ${fromClause(src, b)}`;
    const rows = await readGuarded(engine, src, () => engine.rows(sql, { ...b.params, ...params }, opts), opts);
    return rows[0];
  };
  const live = plans.filter((p) => !p.error && Object.keys(p.aggregates).length);
  try {
    return await run(live);
  } catch (e) {
    // One bad fragment (an invalid regex, a text value that does not cast) fails the whole scan: rerun the
    // fragments one by one so the error lands on the expectation that caused it.
    if (isCancelled(e) || !live.length || (e instanceof DataError && e.code !== 'query-error' && e.code !== 'wrong-type')) throw e;
    const base = await run([]);
    for (const p of live) {
      try {
        Object.assign(base, await run([p]));
      } catch (err) {
        if (isCancelled(err)) throw err;
        p.error = (err as Error).message;
      }
    }
    return base;
  }
}

async function finish(
  engine: DataEngine, src: ResolvedSource, sourceName: string, plan: ExpectationPlan, scan: Row, rows: number, opts: EvaluateOptions,
): Promise<ExpectationResult> {
  const e = plan.e;
  const r: Omit<ExpectationResult, 'message'> = {
    source: sourceName, id: e.id, expectation: e.text, kind: e.kind, severity: e.severity, success: false,
    element_count: rows, unexpected_count: null, unexpected_percent: null, missing_count: null,
    unexpected_sample: [], unexpected_rows: [], range: e.range,
  };
  const at = (name: string) => scan[`e${plan.index}_${name}`];
  let extra: string | undefined;
  try {
    if (plan.error) throw new DataError(plan.error, 'unknown-column', { suggestions: plan.suggestions });
    switch (plan.category) {
      case 'schema': {
        r.success = !!plan.schemaSuccess;
        const c = plan.column ?? undefined;
        r.observed_value = plan.schemaSuccess ? 'present' : 'missing';
        extra = plan.schemaSuccess ? `column '${e.column}' exists${c ? ` (${c.type})` : ''}`
          : `column '${e.column}' does not exist${plan.suggestions?.length ? ` — did you mean '${plan.suggestions[0]}'?` : ''}`;
        break;
      }
      case 'aggregate': {
        const value = num(at('value'));
        if (e.kind === 'freshness') {
          const now = opts.now ?? Date.now();
          r.observed_value = value === null ? null : new Date(value).toISOString();
          r.success = value !== null && now - value <= (e.maxAgeMs ?? 0);
          extra = value === null ? `no ${e.column} values` : `latest ${e.column} is ${r.observed_value} (${ago(now - value)})${r.success ? '' : `, older than allowed`}`;
        } else {
          r.observed_value = value;
          r.success = withinBounds(value, e);
          extra = `${e.kind === 'row_count' ? 'row_count' : `${e.kind.replace('_between', '')}(${e.column})`} is ${value === null ? 'undefined (no values)' : round(value)}${r.success ? '' : `, expected ${boundsText(e)}`}`;
        }
        break;
      }
      case 'map':
      case 'duplicates':
      case 'reference': {
        let unexpected: number;
        let nonnull = num(at('nonnull')) ?? 0;
        if (plan.category === 'map') unexpected = num(at('unexpected')) ?? 0;
        else if (plan.category === 'duplicates') unexpected = await duplicateCount(engine, src, plan, opts);
        else {
          const target = await reference(plan, opts);
          extra = target.label;
          unexpected = await missingReferences(engine, src, plan, target, opts);
        }
        if (e.kind === 'not_null') nonnull = rows;
        r.missing_count = e.kind === 'not_null' ? 0 : rows - nonnull;
        r.unexpected_count = unexpected;
        const considered = e.kind === 'not_null' ? rows : nonnull;
        r.unexpected_percent = considered ? (100 * unexpected) / considered : null;
        if (e.kind === 'type') {
          r.success = !!plan.schemaSuccess;
          r.observed_value = plan.column?.type ?? null;
        } else {
          const mostly = e.mostly ?? 1;
          // GE: with nothing to consider, an expectation holds vacuously.
          r.success = considered === 0 || (considered - unexpected) / considered >= mostly - 1e-12;
        }
        if (unexpected > 0) {
          const sample = await sampleUnexpected(engine, src, plan, opts, plan.category === 'reference' ? await reference(plan, opts) : undefined);
          r.unexpected_sample = sample.values;
          r.unexpected_rows = sample.rows;
        }
        if (e.kind === 'type') {
          extra = r.success
            ? `column is ${plan.column?.type}`
            : `column is ${plan.column?.type}; ${unexpected.toLocaleString('en-US')} of ${considered.toLocaleString('en-US')} values do not convert${r.unexpected_sample.length ? `, e.g. ${r.unexpected_sample.slice(0, 3).map((x) => JSON.stringify(x)).join(', ')}` : ''}`;
        }
        break;
      }
    }
  } catch (err) {
    if (isCancelled(err)) throw err;
    r.success = false;
    r.error = (err as Error).message;
  }
  return { ...r, message: messageFor(e, r, extra) };
}

async function reference(plan: ExpectationPlan, opts: EvaluateOptions): Promise<ReferenceTarget> {
  if (!plan.e.ref || !opts.reference) throw new DataError(`'${plan.e.text}' needs a reference to another source's column`, 'invalid-argument');
  return opts.reference(plan.e.ref);
}

async function duplicateCount(engine: DataEngine, src: ResolvedSource, plan: ExpectationPlan, opts: QueryOptions): Promise<number> {
  const cols = plan.columns!.map((c) => ident(c.name)).join(', ');
  const b = new Binder();
  const rows = await readGuarded(engine, src, () => engine.rows(
    `SELECT coalesce(sum(__c), 0) AS u FROM (SELECT count(*) AS __c FROM ${fromClause(src, b)}
      WHERE NOT ${allNull(plan.columns!)} GROUP BY ${cols} HAVING count(*) > 1)`, b.params, opts), opts);
  return num(rows[0]?.u) ?? 0;
}

function joinable(a: ColumnInfo, b: ColumnInfo): [string, string] {
  const x = ident(a.name), y = ident(b.name);
  return kindOf(a.type) === kindOf(b.type) ? [`s.${x}`, `r.${y}`] : [`CAST(s.${x} AS VARCHAR)`, `CAST(r.${y} AS VARCHAR)`];
}

async function missingReferences(engine: DataEngine, src: ResolvedSource, plan: ExpectationPlan, target: ReferenceTarget, opts: QueryOptions): Promise<number> {
  const b = new Binder();
  const [l, r] = joinable(plan.column!, target.column);
  const rows = await readGuarded(engine, src, () => engine.rows(
    `SELECT count(*) AS u FROM ${fromClause(src, b)} s WHERE s.${ident(plan.column!.name)} IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${fromClause(target.src, b)} r WHERE ${r} = ${l})`, b.params, opts), opts);
  return num(rows[0]?.u) ?? 0;
}

async function sampleUnexpected(
  engine: DataEngine, src: ResolvedSource, plan: ExpectationPlan, opts: QueryOptions, target?: ReferenceTarget,
): Promise<{ values: Plain[]; rows: number[] }> {
  const b = new Binder();
  const numbered = (cols: string) => `(SELECT row_number() OVER () AS __row, ${cols} FROM ${fromClause(src, b)})`;
  let sql: string;
  let params = b.params;
  if (plan.category === 'map') {
    const x = ident(plan.column!.name);
    sql = `SELECT __row, ${x} AS v FROM ${numbered(x)} WHERE ${plan.unexpected} ORDER BY __row LIMIT ${SAMPLE_LIMIT}`;
    params = Object.assign(b.params, plan.params);
  } else if (plan.category === 'duplicates') {
    const cols = plan.columns!.map((c) => ident(c.name));
    const value = cols.length === 1 ? `s.${cols[0]}` : `struct_pack(${cols.map((c) => `${c} := s.${c}`).join(', ')})`;
    const same = cols.map((c) => `g.${c} IS NOT DISTINCT FROM s.${c}`).join(' AND ');
    sql = `WITH g AS (SELECT ${cols.join(', ')} FROM ${fromClause(src, b)} WHERE NOT ${allNull(plan.columns!)}
             GROUP BY ${cols.join(', ')} HAVING count(*) > 1)
           SELECT s.__row, ${value} AS v FROM ${numbered(cols.join(', '))} s
           WHERE EXISTS (SELECT 1 FROM g WHERE ${same}) ORDER BY s.__row LIMIT ${SAMPLE_LIMIT}`;
  } else {
    const x = ident(plan.column!.name);
    const [l, r] = joinable(plan.column!, target!.column);
    sql = `SELECT s.__row, s.${x} AS v FROM ${numbered(x)} s WHERE s.${x} IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM ${fromClause(target!.src, b)} r WHERE ${r} = ${l}) ORDER BY s.__row LIMIT ${SAMPLE_LIMIT}`;
  }
  const rows = await readGuarded(engine, src, () => engine.rows(sql, params, opts), opts);
  return { values: rows.map((r) => r.v), rows: rows.map((r) => num(r.__row) ?? 0) };
}

function round(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : Number(v.toPrecision(6)).toString();
}

function boundsText(e: ExpectationModel): string {
  if (e.min !== undefined && e.max !== undefined) return `between ${e.min} and ${e.max}`;
  if (e.min !== undefined) return `${e.strictMin ? '>' : '>='} ${e.min}`;
  return `${e.strictMax ? '<' : '<='} ${e.max}`;
}

function ago(ms: number): string {
  const d = ms / 86_400_000;
  if (Math.abs(d) >= 1) return `${Math.round(d).toLocaleString('en-US')} days ago`;
  const h = ms / 3_600_000;
  return Math.abs(h) >= 1 ? `${Math.round(h)} hours ago` : `${Math.round(ms / 60_000)} minutes ago`;
}
