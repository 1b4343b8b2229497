import type { ExpectationModel, Scalar } from '../../language-server/model/pipeline-model.js';
import { suggest } from '../../language-server/analysis/did-you-mean.js';
import { DECLARED_TYPE_NAMES, declaredType, kindOf, satisfies, type ColumnInfo } from './column-types.js';
import { ident, type Params } from './sql.js';

/**
 * How one expectation is evaluated: SQL fragments for the shared aggregate scan, plus what the sampling
 * query needs. Semantics follow Great Expectations (see docs/data-engine.md): column-map expectations
 * ignore nulls (except not_null), `mostly` is the share of non-null rows that must pass.
 */
export interface ExpectationPlan {
  e: ExpectationModel;
  /** Position among the source's expectations: prefixes this plan's aliases and parameters (`e3_...`). */
  index: number;
  category: 'map' | 'aggregate' | 'duplicates' | 'reference' | 'schema';
  /** alias → aggregate expression for the shared scan of the source. */
  aggregates: Record<string, string>;
  params: Params;
  /** Map expectations: the condition that makes a row unexpected, and the value to show for it. */
  unexpected?: string;
  shown?: string;
  /** Known without scanning (exists, a column-level type mismatch) or a planning error. */
  column?: ColumnInfo;
  columns?: ColumnInfo[];
  error?: string;
  suggestions?: string[];
  /** Column-level outcome decided from the schema alone (exists; type family). */
  schemaSuccess?: boolean;
}

const AGG_FN: Record<string, (x: string) => string> = {
  mean_between: (x) => `avg(${x})`,
  median_between: (x) => `quantile_cont(${x}, 0.5)`,
  stddev_between: (x) => `stddev_samp(${x})`,
  min_between: (x) => `min(${x})`,
  max_between: (x) => `max(${x})`,
  sum_between: (x) => `sum(${x})`,
};

export function planExpectation(e: ExpectationModel, index: number, columns: ColumnInfo[]): ExpectationPlan {
  const plan: ExpectationPlan = { e, index, category: 'map', aggregates: {}, params: {} };
  const p = (name: string, value: Scalar) => {
    const key = `e${index}_${name}`;
    plan.params[key] = value;
    return `$${key}`;
  };
  const a = (name: string) => `e${index}_${name}`;
  const find = (name: string | undefined): ColumnInfo | undefined => {
    const c = columns.find((x) => x.name === name);
    if (!c && !plan.error) {
      plan.suggestions = suggest(name ?? '', columns.map((x) => x.name));
      plan.error = `column '${name}' does not exist${plan.suggestions.length ? ` — did you mean '${plan.suggestions[0]}'?` : ''}`;
    }
    return c;
  };

  switch (e.kind) {
    case 'exists': {
      plan.category = 'schema';
      const c = columns.find((x) => x.name === e.column);
      plan.schemaSuccess = !!c;
      if (!c) plan.suggestions = suggest(e.column ?? '', columns.map((x) => x.name));
      return plan;
    }
    case 'row_count':
      plan.category = 'aggregate';
      plan.aggregates[a('value')] = 'count(*)';
      return plan;
    case 'unique':
    case 'compound_unique': {
      plan.category = 'duplicates';
      const names = e.kind === 'unique' ? [e.column] : (e.columns ?? []);
      plan.columns = names.map(find).filter((c): c is ColumnInfo => !!c);
      if (plan.error || !plan.columns.length) return plan;
      plan.aggregates[a('nonnull')] = `count(*) FILTER (WHERE ${allNull(plan.columns, false)})`;
      return plan;
    }
    case 'values_in': {
      plan.category = 'reference';
      plan.column = find(e.column);
      if (plan.column) plan.aggregates[a('nonnull')] = `count(${ident(plan.column.name)})`;
      return plan;
    }
    case 'freshness': {
      plan.category = 'aggregate';
      const c = plan.column = find(e.column);
      if (!c) return plan;
      if (kindOf(c.type) !== 'temporal' && kindOf(c.type) !== 'text') {
        plan.error = `freshness needs a timestamp column; '${c.name}' is ${c.type}`;
        return plan;
      }
      const x = ident(c.name);
      plan.aggregates[a('value')] = c.type === 'TIMESTAMP WITH TIME ZONE' ? `epoch_ms(max(${x}))` : `epoch_ms(max(CAST(${x} AS TIMESTAMP)))`;
      return plan;
    }
    default:
      break;
  }

  const fn = AGG_FN[e.kind];
  if (fn) {
    plan.category = 'aggregate';
    const c = plan.column = find(e.column);
    if (!c) return plan;
    if (kindOf(c.type) !== 'numeric') {
      plan.error = `${e.kind.replace('_between', '')}(${c.name}) needs a numeric column; '${c.name}' is ${c.type}`;
      return plan;
    }
    plan.aggregates[a('value')] = fn(`CAST(${ident(c.name)} AS DOUBLE)`);
    return plan;
  }

  // Column-map expectations.
  const c = plan.column = find(e.column);
  if (!c) return plan;
  const x = ident(c.name);
  const kind = kindOf(c.type);
  plan.shown = x;
  let bad: string;
  switch (e.kind) {
    case 'not_null':
      bad = `${x} IS NULL`;
      break;
    case 'between': {
      const numericBounds = typeof (e.min ?? e.max) === 'number';
      // A text column checked against numbers: values that are not numbers are outside any numeric range.
      const v = numericBounds && kind !== 'numeric' ? `TRY_CAST(${x} AS DOUBLE)` : x;
      bad = `NOT coalesce(${rangeCondition(v, e, p)}, false)`;
      break;
    }
    case 'in_set':
    case 'not_in_set': {
      const values = e.values ?? [];
      const asText = !values.every((v) => sameKind(v, kind));
      const v = asText ? `CAST(${x} AS VARCHAR)` : x;
      const list = values.map((val, k) => p(`v${k}`, asText ? String(val) : val)).join(', ');
      const inSet = values.length ? `${v} IN (${list})` : 'false';
      bad = e.kind === 'in_set' ? `NOT (${inSet})` : inSet;
      break;
    }
    case 'matches':
      bad = `NOT regexp_matches(CAST(${x} AS VARCHAR), ${p('pattern', e.pattern ?? '')})`;
      break;
    case 'length_between':
      bad = `NOT coalesce(${rangeCondition(`length(CAST(${x} AS VARCHAR))`, e, p)}, false)`;
      break;
    case 'type': {
      const t = declaredType(e.typeName ?? '');
      if (!t) {
        plan.error = `unknown type '${e.typeName}' (known: ${DECLARED_TYPE_NAMES.join(', ')})`;
        return plan;
      }
      plan.schemaSuccess = satisfies(c.type, t);
      bad = `TRY_CAST(${x} AS ${t.castTo}) IS NULL`;
      break;
    }
    default:
      plan.error = `unsupported expectation '${e.kind}'`;
      return plan;
  }
  plan.unexpected = e.kind === 'not_null' ? bad : `${x} IS NOT NULL AND ${bad}`;
  plan.aggregates[a('nonnull')] = `count(${x})`;
  plan.aggregates[a('unexpected')] = `count(*) FILTER (WHERE ${plan.unexpected})`;
  return plan;
}

/** `NOT (a IS NULL AND b IS NULL)`: GE ignores a row for compound uniqueness only when every value is missing. */
export function allNull(columns: ColumnInfo[], negate = true): string {
  const all = columns.map((c) => `${ident(c.name)} IS NULL`).join(' AND ');
  return negate ? `(${all})` : `NOT (${all})`;
}

function sameKind(v: Scalar, kind: string): boolean {
  if (typeof v === 'number') return kind === 'numeric';
  if (typeof v === 'boolean') return kind === 'boolean';
  return kind === 'text';
}

function rangeCondition(x: string, e: ExpectationModel, p: (name: string, v: Scalar) => string): string {
  const parts: string[] = [];
  if (e.min !== undefined) parts.push(`${x} ${e.strictMin ? '>' : '>='} ${p('min', e.min)}`);
  if (e.max !== undefined) parts.push(`${x} ${e.strictMax ? '<' : '<='} ${p('max', e.max)}`);
  return parts.length ? parts.join(' AND ') : 'true';
}

/** Whether an observed aggregate satisfies the expectation's bounds. */
export function withinBounds(v: number | null, e: ExpectationModel): boolean {
  if (v === null || Number.isNaN(v)) return false;
  const min = typeof e.min === 'number' ? e.min : undefined;
  const max = typeof e.max === 'number' ? e.max : undefined;
  if (min !== undefined && (e.strictMin ? v <= min : v < min)) return false;
  if (max !== undefined && (e.strictMax ? v >= max : v > max)) return false;
  return true;
}
