import type {
  FeatureViewNode, PipelineModel, PipelineNode, SourceRange,
} from '../../language-server/model/pipeline-model.js';
import { suggest } from '../../language-server/analysis/did-you-mean.js';
import type { ColumnInfo } from './column-types.js';
import type { DataEngine, QueryOptions } from './engine.js';
import { DataError, isCancelled } from './errors.js';
import { featureNames, pointInTimeJoin, type PitOptions, type PitResult, type PitSpec } from './point-in-time.js';
import { describeRelation, sourceRelation, sqlRelation, type Relation } from './relation.js';
import { resolveSource } from './sources.js';

/**
 * The data behind a pipeline's nodes: sources as table functions, feature views as SQL over them, and
 * training sets as point-in-time join specs. Relations are built lazily and kept for one model.
 */
export class PipelineData {
  private readonly relations = new Map<string, Promise<Relation>>();

  constructor(private readonly engine: DataEngine, readonly model: PipelineModel, private readonly baseDir: string) {}

  node(name: string): PipelineNode | undefined {
    return this.model.nodes.find((n) => n.name === name);
  }

  /** The rows of a source or a feature view. */
  relation(name: string, opts: QueryOptions = {}, seen: string[] = []): Promise<Relation> {
    let r = this.relations.get(name);
    if (!r) {
      r = this.build(name, opts, seen);
      this.relations.set(name, r);
      r.catch(() => this.relations.delete(name));
    }
    return r;
  }

  private async build(name: string, opts: QueryOptions, seen: string[]): Promise<Relation> {
    if (seen.includes(name)) throw new DataError(`views refer to each other in a cycle: ${[...seen, name].join(' → ')}`, 'invalid-argument');
    const node = this.node(name);
    if (node?.kind === 'source') {
      if (!node.path) throw new DataError(`source '${name}' has no path`, 'invalid-argument');
      return sourceRelation(await resolveSource(this.engine, { path: node.path, baseDir: this.baseDir, format: node.format, name }, opts), name);
    }
    if (node?.kind === 'features') {
      if (node.sql) {
        // The SQL names other sources and views like tables; give it every one it mentions.
        const inputs: Record<string, Relation> = {};
        for (const other of this.model.nodes) {
          if ((other.kind === 'source' || other.kind === 'features') && other.name !== name && mentions(node.sql, other.name)) {
            inputs[other.name] = await this.relation(other.name, opts, [...seen, name]);
          }
        }
        return sqlRelation(name, node.sql, inputs);
      }
      if (node.from) return { ...(await this.relation(node.from.node, opts, [...seen, name])), label: name };
      throw new DataError(`feature view '${name}' has neither sql nor from`, 'invalid-argument');
    }
    const names = this.model.nodes.filter((n) => n.kind === 'source' || n.kind === 'features').map((n) => n.name);
    const s = suggest(name, names);
    throw new DataError(`no source or feature view named '${name}'${s.length ? ` — did you mean '${s[0]}'?` : ''}`, 'invalid-argument');
  }

  /** A training set as a point-in-time join: its labels, and each view it takes features from. */
  async trainingSetSpec(name: string, opts: QueryOptions = {}): Promise<PitSpec> {
    const ts = this.node(name);
    if (ts?.kind !== 'training_set') {
      const s = suggest(name, this.model.nodes.filter((n) => n.kind === 'training_set').map((n) => n.name));
      throw new DataError(`no training_set named '${name}'${s.length ? ` — did you mean '${s[0]}'?` : ''}`, 'invalid-argument');
    }
    if (!ts.labels || !ts.labelTime || !ts.entity.length) throw new DataError(`training_set '${name}' needs labels, label_time and entity`, 'invalid-argument');
    const labels = await this.relation(ts.labels.node, opts);
    const labelCols = await describeRelation(this.engine, labels, opts);
    if (ts.label && !labelCols.some((c) => c.name === ts.label)) {
      const s = suggest(ts.label, labelCols.map((c) => c.name));
      throw new DataError(`${ts.labels.node} has no label column '${ts.label}'${s.length ? ` — did you mean '${s[0]}'?` : ''}`, 'unknown-column', { column: ts.label, suggestions: s });
    }
    const byView = new Map<string, string[]>();
    for (const ref of ts.features) {
      const view = this.node(ref.node);
      if (view?.kind !== 'features') throw new DataError(`'${ref.node}' is not a feature view`, 'invalid-argument');
      const list = byView.get(view.name) ?? [];
      for (const f of ref.wildcard ? view.features.map((x) => x.name) : ref.member ? [ref.member] : []) if (!list.includes(f)) list.push(f);
      byView.set(view.name, list);
    }
    const views = [...byView].map(([view, features]) => ({ view: this.node(view) as FeatureViewNode, features }));
    const names = featureNames(labelCols.map((c) => c.name), views.map((v) => ({ name: v.view.name, features: v.features })));
    const pitViews = [];
    for (const [i, { view }] of views.entries()) {
      if (!view.timestamp) throw new DataError(`feature view '${view.name}' has no timestamp: it cannot be joined point-in-time`, 'invalid-argument');
      pitViews.push({
        name: view.name, relation: await this.relation(view.name, opts),
        // A view's entity columns pair with the training set's in order; a view without one uses the set's.
        entity: view.entity.length ? view.entity : ts.entity,
        timestamp: view.timestamp, created: view.created, ttlMs: view.ttlMs, features: names[i],
      });
    }
    return { labels, entity: ts.entity, labelTime: ts.labelTime, views: pitViews };
  }

  /** What the preview panel and `mlpipe features FILE SET` show: the joined rows (first `limit`) and stats. */
  async trainingSet(name: string, opts: PitOptions = {}): Promise<PitResult> {
    return pointInTimeJoin(this.engine, await this.trainingSetSpec(name, opts), opts);
  }
}

function mentions(sql: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_"])"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^A-Za-z0-9_])`).test(sql);
}

/** A column a feature view or training set names that its data lacks. */
export interface ColumnProblem {
  node: string;
  column: string;
  message: string;
  suggestions: string[];
  range: SourceRange;
  severity: 'error' | 'warning';
}

/**
 * Checks the column names feature views and training sets use against the real data (entity, timestamps,
 * features, label): each missing one is a problem with "did you mean" and the range to underline.
 * Views whose data cannot be read are skipped (the source checks report why).
 */
export async function checkColumns(
  engine: DataEngine, model: PipelineModel, baseDir: string,
  opts: QueryOptions & { onColumns?: (node: string, columns: ColumnInfo[]) => void } = {},
): Promise<ColumnProblem[]> {
  engine.assertTrusted();
  const data = new PipelineData(engine, model, baseDir);
  const problems: ColumnProblem[] = [];
  const columnsOf = async (name: string): Promise<ColumnInfo[] | undefined> => {
    try {
      const columns = await describeRelation(engine, await data.relation(name, opts), opts);
      // The editor keeps these for completion and hover: no second DESCRIBE.
      opts.onColumns?.(name, columns);
      return columns;
    } catch (e) {
      if (isCancelled(e)) throw e;
      return undefined;
    }
  };
  const propRange = (n: PipelineNode, key: string) => n.props.find((p) => p.key === key)?.range ?? n.nameRange;
  const need = (node: PipelineNode, cols: ColumnInfo[], column: string | undefined, range: SourceRange, what: string) => {
    if (!column || cols.some((c) => c.name === column)) return;
    const suggestions = suggest(column, cols.map((c) => c.name));
    problems.push({
      node: node.name, column, suggestions, range, severity: 'error',
      message: `${what} '${column}' is not a column of ${node.name}'s data${suggestions.length ? ` — did you mean '${suggestions[0]}'?` : ''}`,
    });
  };
  for (const node of model.nodes) {
    if (node.kind === 'features') {
      const cols = await columnsOf(node.name);
      if (!cols) continue;
      for (const e of node.entity) need(node, cols, e, propRange(node, 'entity'), 'entity');
      need(node, cols, node.timestamp, propRange(node, 'timestamp'), 'timestamp');
      need(node, cols, node.created, propRange(node, 'created'), 'created');
      for (const f of node.features) need(node, cols, f.name, f.range, 'feature');
    } else if (node.kind === 'training_set' && node.labels) {
      const cols = await columnsOf(node.labels.node);
      if (!cols) continue;
      for (const e of node.entity) need(node, cols, e, propRange(node, 'entity'), 'entity');
      need(node, cols, node.labelTime, propRange(node, 'label_time'), 'label time');
      need(node, cols, node.label, propRange(node, 'label'), 'label');
    } else if (node.kind === 'source' && node.timestamp) {
      const cols = await columnsOf(node.name);
      if (cols) need(node, cols, node.timestamp, propRange(node, 'timestamp'), 'timestamp');
    }
  }
  return problems;
}

