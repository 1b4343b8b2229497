import type { ExpectationKind, ExpectationModel, SourceRange } from '../../language-server/model/pipeline-model.js';
import type { Plain } from './values.js';

/** One expectation's outcome, in Great Expectations' vocabulary (element_count, unexpected_count, ...). */
export interface ExpectationResult {
  source: string;
  /** The expectation's id in the model (`source#index`): stable while the expectation is not moved. */
  id: string;
  /** As written, e.g. `age between 18 and 120`. */
  expectation: string;
  kind: ExpectationKind;
  severity: 'error' | 'warning';
  success: boolean;
  /** Rows in the source. */
  element_count: number;
  /** Map expectations: rows that failed (null for aggregate and schema expectations). */
  unexpected_count: number | null;
  /** Percent of the non-null rows (of all rows for not_null), like GE's unexpected_percent. */
  unexpected_percent: number | null;
  missing_count: number | null;
  /** Aggregate and schema expectations: what was measured (a mean, a row count, a column type, an ISO time). */
  observed_value?: Plain;
  /** Up to 20 failing values, in file order. */
  unexpected_sample: Plain[];
  /** Their row numbers: 1-based data rows in file order (files of a glob in sorted order). */
  unexpected_rows: number[];
  /** One line for a diagnostic or a terminal. */
  message: string;
  /** The expectation could not be evaluated (unknown column, bad regex, unreadable data). */
  error?: string;
  range: SourceRange;
  /** Served from the cache (the files' path, size and mtime were unchanged). */
  cached?: boolean;
}

export const SAMPLE_LIMIT = 20;

const fmt = (n: number) => n.toLocaleString('en-US');

export function percentText(p: number): string {
  if (p === 0) return '0%';
  if (p < 0.1) return '<0.1%';
  return `${p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}

function sampleText(values: Plain[], max = 3): string {
  const seen: string[] = [];
  for (const v of values) {
    const s = typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
    if (!seen.includes(s)) seen.push(s);
    if (seen.length === max) break;
  }
  return seen.join(', ');
}

const VERB: Partial<Record<ExpectationKind, string>> = {
  not_null: 'are null',
  between: 'outside',
  in_set: 'not in the set',
  not_in_set: 'in the excluded set',
  matches: 'do not match',
  length_between: 'with a length outside the range',
  type: 'do not convert',
  values_in: 'not found',
  unique: 'duplicated',
  compound_unique: 'duplicated',
};

/** "age between 18 and 120: 1,204 of 50,000 rows (2.4%) outside; e.g. 7, 150, 203". */
export function messageFor(e: ExpectationModel, r: Omit<ExpectationResult, 'message'>, extra?: string): string {
  if (r.error) return `${e.text}: ${r.error}`;
  if (r.unexpected_count !== null && e.kind !== 'type') {
    const considered = e.kind === 'not_null' ? r.element_count : r.element_count - (r.missing_count ?? 0);
    if (r.unexpected_count === 0) return `${e.text}: all ${fmt(considered)} rows pass`;
    const verb = e.kind === 'values_in' && extra ? `not found in ${extra}` : VERB[e.kind] ?? 'unexpected';
    const eg = e.kind === 'not_null'
      ? `; e.g. rows ${r.unexpected_rows.slice(0, 3).join(', ')}`
      : r.unexpected_sample.length ? `; e.g. ${sampleText(r.unexpected_sample)}` : '';
    const tolerance = e.mostly !== undefined ? `; at most ${percentText((1 - e.mostly) * 100)} allowed` : '';
    return `${e.text}: ${fmt(r.unexpected_count)} of ${fmt(considered)} rows (${percentText(r.unexpected_percent ?? 0)}) ${verb}${eg}${tolerance}`;
  }
  return `${e.text}: ${extra ?? String(r.observed_value)}`;
}
