import type {
  ExpectationModel, NodeRef, PipelineModel, SourceNode, SourceRange,
} from '../../language-server/model/pipeline-model.js';
import { suggest } from '../../language-server/analysis/did-you-mean.js';
import { declaredType, satisfies, type ColumnInfo } from './column-types.js';
import type { DataEngine, QueryOptions } from './engine.js';
import { DataError, isCancelled } from './errors.js';
import type { ExpectationResult } from './expectation-result.js';
import { evaluateExpectations, type ReferenceTarget } from './expectations.js';
import { LruCache } from './fingerprint.js';
import { describeSource, resolveSource, type ResolvedSource } from './sources.js';

export type ProblemCode =
  | 'missing-file' | 'empty-file' | 'malformed-file' | 'wrong-type' | 'permission' | 'read-error'
  | 'unknown-column' | 'schema-type';

/** Something wrong with a source's data as a whole, placed on the part of the .mlpipe text it concerns. */
export interface SourceProblem {
  source: string;
  code: ProblemCode;
  severity: 'error' | 'warning';
  message: string;
  /** Where to show it: the `path` property for file problems, the `schema` property for schema ones. */
  range: SourceRange;
  file?: string;
  /** 1-based line in the data file, for malformed rows. */
  line?: number;
  column?: string;
  suggestions?: string[];
}

export interface SourceReport {
  source: string;
  files: string[];
  rows: number | null;
  columns: ColumnInfo[];
  results: ExpectationResult[];
  problems: SourceProblem[];
}

export interface CheckOptions extends QueryOptions {
  /** Clock for freshness (epoch ms). */
  now?: number;
  /** Only these sources (default: every source with a path). */
  sources?: string[];
  /** Called as each source finishes, so an editor can show results while the rest still run. */
  onSource?: (report: SourceReport) => void;
}

type CachedResult = Omit<ExpectationResult, 'id' | 'range' | 'source' | 'cached'>;
const resultCache = new WeakMap<DataEngine, LruCache<CachedResult>>();

/**
 * Evaluates the expectations of a pipeline's sources. Results are cached per expectation by the data's
 * file stamps (path + size + mtime) and the expectation's meaning, so an edit elsewhere in the document,
 * or to one expectation, re-runs only what changed. Aborting `signal` interrupts the running query.
 */
export async function checkSources(engine: DataEngine, model: PipelineModel, baseDir: string, opts: CheckOptions = {}): Promise<SourceReport[]> {
  engine.assertTrusted();
  const sources = model.nodes.filter((n): n is SourceNode => n.kind === 'source' && !!n.path
    && (!opts.sources || opts.sources.includes(n.name)));
  const resolved = new Map<string, Promise<ResolvedSource>>();
  const resolveNode = (node: SourceNode) => {
    let p = resolved.get(node.name);
    if (!p) resolved.set(node.name, p = resolveSource(engine, { path: node.path!, baseDir, format: node.format, name: node.name }, opts));
    return p;
  };
  const reports: SourceReport[] = [];
  for (const node of sources) {
    const report = await checkOne(engine, model, node, resolveNode, opts);
    reports.push(report);
    opts.onSource?.(report);
  }
  return reports;
}

async function checkOne(
  engine: DataEngine, model: PipelineModel, node: SourceNode, resolveNode: (n: SourceNode) => Promise<ResolvedSource>, opts: CheckOptions,
): Promise<SourceReport> {
  const report: SourceReport = { source: node.name, files: [], rows: null, columns: [], results: [], problems: [] };
  const pathRange = node.props.find((p) => p.key === 'path')?.range ?? node.nameRange;
  let src: ResolvedSource;
  try {
    src = await resolveNode(node);
    report.files = src.files.map((f) => f.path);
    report.columns = await describeSource(engine, src, opts);
  } catch (e) {
    if (isCancelled(e)) throw e;
    report.problems.push(problemOf(node.name, e, pathRange));
    return report;
  }
  report.problems.push(...schemaProblems(node, report.columns));

  let cache = resultCache.get(engine);
  if (!cache) resultCache.set(engine, cache = new LruCache(2000));
  const now = opts.now ?? Date.now();
  const keys = await Promise.all(node.expectations.map((e) => cacheKey(e, src, now, model, resolveNode)));
  const todo = node.expectations.filter((_, i) => !cache.get(keys[i]));
  let fresh: ExpectationResult[] = [];
  try {
    fresh = todo.length
      ? await evaluateExpectations(engine, src, node.name, report.columns, todo, {
        signal: opts.signal, now, reference: (ref) => referenceTarget(engine, model, ref, resolveNode, opts),
      })
      : [];
  } catch (e) {
    if (isCancelled(e)) throw e;
    report.problems.push(problemOf(node.name, e, pathRange));
    return report;
  }
  for (const [i, e] of node.expectations.entries()) {
    const hit = cache.get(keys[i]);
    if (hit) {
      report.results.push({ ...hit, source: node.name, id: e.id, range: e.range, cached: true });
      continue;
    }
    const r = fresh[todo.indexOf(e)];
    report.results.push(r);
    // Errors from the data (an unreadable reference) may be transient; only real outcomes are kept.
    if (!r.error || /does not exist|unknown type|needs a/.test(r.error)) {
      const { id: _id, range: _range, source: _source, ...keep } = r;
      cache.set(keys[i], keep);
    }
  }
  report.rows = report.results.find((r) => !r.error)?.element_count ?? report.rows;
  return report;
}

/** What the result depends on: the files (by stamp), the expectation's meaning, and for freshness the minute. */
async function cacheKey(
  e: ExpectationModel, src: ResolvedSource, now: number, model: PipelineModel, resolveNode: (n: SourceNode) => Promise<ResolvedSource>,
): Promise<string> {
  const { id: _id, range: _range, ...meaning } = e;
  let extra = '';
  if (e.kind === 'freshness') extra = String(Math.floor(now / 60_000));
  if (e.kind === 'values_in' && e.ref) {
    const other = model.nodes.find((n): n is SourceNode => n.kind === 'source' && n.name === e.ref!.node);
    extra = other?.path ? await resolveNode(other).then((r) => r.fingerprint, () => 'unresolved') : 'none';
  }
  return JSON.stringify([src.fingerprint, meaning, extra]);
}

async function referenceTarget(
  engine: DataEngine, model: PipelineModel, ref: NodeRef, resolveNode: (n: SourceNode) => Promise<ResolvedSource>, opts: QueryOptions,
): Promise<ReferenceTarget> {
  const other = model.nodes.find((n): n is SourceNode => n.kind === 'source' && n.name === ref.node);
  if (!other?.path) throw new DataError(`'${ref.node}' is not a source with a path`, 'invalid-argument');
  const src = await resolveNode(other);
  const cols = await describeSource(engine, src, opts);
  const column = cols.find((c) => c.name === ref.member);
  if (!column) {
    const s = suggest(ref.member ?? '', cols.map((c) => c.name));
    throw new DataError(`${ref.node} has no column '${ref.member}'${s.length ? ` — did you mean '${s[0]}'?` : ''}`, 'unknown-column', { suggestions: s });
  }
  return { src, column, label: `${ref.node}.${ref.member}` };
}

function schemaProblems(node: SourceNode, columns: ColumnInfo[]): SourceProblem[] {
  const range = node.props.find((p) => p.key === 'schema')?.range ?? node.nameRange;
  const problems: SourceProblem[] = [];
  for (const s of node.schema ?? []) {
    const actual = columns.find((c) => c.name === s.name);
    if (!actual) {
      const suggestions = suggest(s.name, columns.map((c) => c.name));
      problems.push({
        source: node.name, code: 'unknown-column', severity: 'error', range, column: s.name, suggestions,
        message: `schema: the data has no column '${s.name}'${suggestions.length ? ` — did you mean '${suggestions[0]}'?` : ''}`,
      });
      continue;
    }
    const declared = declaredType(s.type);
    if (declared && !satisfies(actual.type, declared)) {
      problems.push({
        source: node.name, code: 'schema-type', severity: 'error', range, column: s.name,
        message: `schema: '${s.name}' is declared ${s.type} but the data has ${actual.type}`,
      });
    }
  }
  return problems;
}

function problemOf(source: string, e: unknown, range: SourceRange): SourceProblem {
  const err = e instanceof DataError ? e : new DataError((e as Error).message, 'query-error');
  const code: ProblemCode = err.code === 'missing-file' || err.code === 'empty-file' || err.code === 'malformed-file'
    || err.code === 'wrong-type' || err.code === 'permission' || err.code === 'unknown-column' ? err.code : 'read-error';
  return {
    source, code, severity: 'error', message: err.message, range,
    file: err.detail.file, line: err.detail.line, column: err.detail.column, suggestions: err.detail.suggestions,
  };
}
