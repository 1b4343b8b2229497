import * as ast from '../generated/ast.js';
import type {
  EdgeRole, ExpectationKind, ExpectationModel, GateModel, ModelProperty, ModelValue, NodeRef, ParamModel, ParamType, PipelineEdge,
  PipelineModel, PipelineNode, Resources, Scalar, SourceNode, TargetModel,
} from '../model/pipeline-model.js';
import { allTargets, blockKind, isBlock, nameRange, rangeOf, type Block } from './blocks.js';
import type { SymbolTable } from './symbols.js';
import { parseDuration } from './units.js';
import { namesOf, scalarOf, toModelValue, valueText } from './values.js';

/** Converts a parsed document (its first pipeline) into the plain model. */
export function toPipelineModel(doc: ast.Document, symbols: SymbolTable): PipelineModel {
  const pipeline = doc.pipelines[0];
  const params = (pipeline?.members.filter(ast.isParam) ?? []).map(paramModel);
  const paramValues = new Map(params.map((p) => [p.name, p.default]));
  const conv = new Converter(symbols, paramValues);
  const nodes = (pipeline?.members.filter(isBlock) ?? []).filter((b) => b.name).map((b) => conv.node(b));
  return {
    name: pipeline?.name ?? '',
    description: pipeline?.description ? pipeline.description : undefined,
    params,
    nodes,
    edges: edgesOf(nodes),
    targets: allTargets(doc).filter((t) => t.name).map((t) => conv.target(t)),
    range: pipeline ? rangeOf(pipeline) : undefined,
  };
}

export function inferParamType(v: ModelValue | undefined): ParamType {
  switch (v?.type) {
    case 'number': return Number.isInteger(v.value) ? 'int' : 'float';
    case 'bool': return 'bool';
    case 'duration': return 'duration';
    case 'size': return 'size';
    default: return 'string';
  }
}

function paramModel(p: ast.Param): ParamModel {
  const v = toModelValue(p.value);
  return {
    name: p.name,
    type: (p.type as ParamType | undefined) ?? inferParamType(v),
    default: scalarOf(v) ?? null,
    description: p.description ? p.description : undefined,
    range: rangeOf(p),
  };
}

const EXPECTATION_FN: Record<string, ExpectationKind> = {
  mean: 'mean_between', median: 'median_between', stddev: 'stddev_between', min: 'min_between', max: 'max_between', sum: 'sum_between',
};

class Converter {
  constructor(private readonly symbols: SymbolTable, private readonly params: Map<string, Scalar | null>) {}

  node(b: Block): PipelineNode {
    // Each property's value converted once: the typed fields below look up a dozen keys per block,
    // and converting again per lookup was most of the model's cost on large files.
    const values: Array<ModelValue | undefined> = new Array(b.props.length);
    const props: ModelProperty[] = [];
    for (let i = 0; i < b.props.length; i++) {
      const p = b.props[i];
      const value = toModelValue(p.value);
      values[i] = value;
      if (value) props.push({ key: p.key, value, range: rangeOf(p) });
    }
    // Completed per kind with Object.assign: `{ ...base, kind, ... }` made V8 build each node several
    // times slower (the whole model of 200 nodes 10 ms instead of 2.5; bench/canvas-e2e's model push).
    const base = {
      id: b.name, name: b.name, description: b.description ? b.description : undefined,
      range: rangeOf(b), nameRange: nameRange(b), props,
    };
    // The first property with this key, as findProp finds it (later duplicates are reported, not used).
    const get = (key: string): ModelValue | undefined => {
      for (let i = 0; i < b.props.length; i++) if (b.props[i].key === key) return values[i];
      return undefined;
    };
    const str = (key: string) => { const s = this.scalar(get(key)); return s === undefined ? undefined : String(s); };
    const num = (key: string) => { const s = this.scalar(get(key)); return typeof s === 'number' ? s : undefined; };
    const column = (key: string) => namesOf(get(key))[0];
    switch (blockKind(b)) {
      case 'source': {
        const s = b as ast.Source;
        const schema = get('schema');
        const fmt = str('format') as SourceNode['format'];
        return Object.assign(base, {
          kind: 'source' as const, path: str('path'), format: fmt, timestamp: column('timestamp'),
          schema: schema?.type === 'map' ? schema.entries.map((e) => ({ name: e.key, type: namesOf(e.value)[0] ?? '' })) : undefined,
          expectations: s.expectations.map((e, i) => this.expectation(s.name, e, i)),
        });
      }
      case 'features': {
        const f = b as ast.FeatureView;
        return Object.assign(base, {
          kind: 'features' as const, entity: namesOf(get('entity')), timestamp: column('timestamp'), created: column('created'),
          ttlMs: num('ttl'), from: this.nodeRef(get('from')), sql: str('sql'),
          features: f.columns.filter((c) => c.name).map((c) => ({ name: c.name, type: c.type, description: c.description ? c.description : undefined, range: rangeOf(c) })),
        });
      }
      case 'training_set':
        return Object.assign(base, {
          kind: 'training_set' as const, labels: this.nodeRef(get('labels')), labelTime: column('label_time'), entity: namesOf(get('entity')),
          label: column('label'), features: this.nodeRefs(get('features')),
        });
      case 'step': {
        const s = b as ast.Step;
        const { params, paramRefs } = this.stepParams(get('params'));
        const outputs = get('outputs');
        const metrics = get('metrics');
        return Object.assign(base, {
          kind: 'step' as const, stepKind: s.kind, inputs: this.nodeRefs(get('inputs')),
          outputs: outputs?.type === 'map' ? outputs.entries.map((e) => ({ name: e.key, path: String(this.scalar(e.value) ?? '') })) : [],
          params, paramRefs, resources: this.resources(get('resources')), retries: num('retries') ?? 0,
          target: namesOf(get('target'))[0], script: str('script'), sql: str('sql'), command: str('command'), notebook: str('notebook'),
          model: this.nodeRef(get('model')), data: this.nodeRef(get('data')), label: column('label'),
          metrics: metrics ? namesOf(metrics) : undefined, gates: this.gates(b),
        });
      }
      case 'model':
        return Object.assign(base, {
          kind: 'model' as const, from: this.nodeRef(get('from')), evaluation: namesOf(get('evaluation'))[0], gates: this.gates(b),
          aliases: namesOf(get('aliases')),
        });
      case 'deploy': {
        const m = get('model');
        return Object.assign(base, {
          kind: 'deploy' as const, model: m?.type === 'ref' ? m.path[0] : undefined, alias: m?.type === 'ref' ? m.alias : undefined,
          port: num('port'), host: str('host'),
        });
      }
      case 'monitor':
        return Object.assign(base, {
          kind: 'monitor' as const, reference: this.nodeRef(get('reference')), current: this.nodeRef(get('current')),
          columns: namesOf(get('columns')), method: str('method') ?? column('method'), threshold: num('threshold'), scheduleMs: num('schedule'),
          action: column('action'), retrain: namesOf(get('retrain'))[0],
        });
    }
  }

  target(t: ast.Target): TargetModel {
    const options: Record<string, Scalar> = {};
    for (const p of t.props) {
      const v = toModelValue(p.value);
      const s = this.scalar(v) ?? (v?.type === 'ref' ? v.path.join('.') : undefined);
      if (s !== undefined) options[p.key] = s;
    }
    return {
      name: t.name, kind: t.kind, description: t.description ? t.description : undefined, options, range: rangeOf(t), nameRange: nameRange(t),
    };
  }

  /** A literal, or a param name resolved to the param's default. */
  private scalar(v: ModelValue | undefined): Scalar | undefined {
    if (v?.type === 'ref' && v.path.length === 1 && this.params.has(v.path[0])) return this.params.get(v.path[0]) ?? undefined;
    return scalarOf(v);
  }

  private nodeRef(v: ModelValue | undefined): NodeRef | undefined {
    if (v?.type !== 'ref') return undefined;
    const r: NodeRef = { node: v.path[0] };
    if (v.path[1] !== undefined) r.member = v.path[1];
    else {
      // `from train` where train has a single output means that output.
      const decl = this.symbols.members.get(v.path[0]);
      const outs = decl?.kind === 'step' ? this.symbols.outputsOf(decl) : [];
      if (outs.length === 1 && decl && (decl.node as ast.Step).kind !== 'evaluate') r.member = outs[0].name;
    }
    if (v.wildcard) r.wildcard = true;
    return r;
  }

  private nodeRefs(v: ModelValue | undefined): NodeRef[] {
    if (v?.type === 'ref') return [this.nodeRef(v)!];
    if (v?.type !== 'list') return [];
    return v.items.map((i) => this.nodeRef(i)).filter((r): r is NodeRef => !!r);
  }

  private stepParams(v: ModelValue | undefined): { params: Record<string, Scalar>; paramRefs: Record<string, string> } {
    const params: Record<string, Scalar> = {};
    const paramRefs: Record<string, string> = {};
    if (v?.type !== 'map') return { params, paramRefs };
    for (const e of v.entries) {
      const s = this.scalar(e.value);
      if (s !== undefined) params[e.key] = s;
      if (e.value.type === 'ref' && this.params.has(e.value.path[0])) paramRefs[e.key] = e.value.path[0];
    }
    return { params, paramRefs };
  }

  private resources(v: ModelValue | undefined): Resources {
    const r: Resources = {};
    if (v?.type !== 'map') return r;
    for (const e of v.entries) {
      const s = this.scalar(e.value);
      if (typeof s !== 'number') continue;
      if (e.key === 'gpus') r.gpus = s;
      else if (e.key === 'cpus') r.cpus = s;
      else if (e.key === 'memory') r.memoryBytes = s;
      else if (e.key === 'timeout') r.timeoutMs = s;
    }
    return r;
  }

  private gates(b: Block): GateModel[] {
    return b.props.filter((p) => p.key === 'gate' && ast.isComparison(p.value)).map((p) => {
      const c = p.value as ast.Comparison;
      const right = toModelValue(c.right);
      const s = this.scalar(right);
      const gate: GateModel = {
        metric: valueText(c.left), op: c.op as GateModel['op'], value: typeof s === 'number' ? s : null, text: valueText(c),
      };
      if (right?.type === 'ref') gate.param = right.path[0];
      return gate;
    });
  }

  private expectation(source: string, e: ast.Expectation, index: number): ExpectationModel {
    const c = e.check;
    const m: ExpectationModel = {
      id: `${source}#${index}`, kind: 'not_null', severity: e.severity === 'warning' ? 'warning' : 'error',
      text: valueText(c), range: rangeOf(e),
    };
    if (e.mostly !== undefined) m.mostly = e.mostly;
    const applyRange = (r: ast.Range | undefined) => {
      if (ast.isBetween(r)) {
        m.min = this.scalar(toModelValue(r.min));
        m.max = this.scalar(toModelValue(r.max));
      } else if (ast.isBound(r)) {
        const v = this.scalar(toModelValue(r.value));
        if (r.op === '>=' || r.op === '>') { m.min = v; m.strictMin = r.op === '>'; }
        else if (r.op === '<=' || r.op === '<') { m.max = v; m.strictMax = r.op === '<'; }
        else if (r.op === '==') { m.min = v; m.max = v; }
      }
    };
    if (ast.isRowCountCheck(c)) {
      m.kind = 'row_count';
      applyRange(c.range);
    } else if (ast.isFreshnessCheck(c)) {
      m.kind = 'freshness';
      m.column = c.column;
      m.maxAgeMs = parseDuration(c.maxAge);
    } else if (ast.isCallCheck(c)) {
      if (c.fn === 'unique') {
        m.kind = 'compound_unique';
        m.columns = [...c.columns];
      } else {
        m.kind = EXPECTATION_FN[c.fn] ?? 'mean_between';
        m.column = c.columns[0];
        applyRange(c.range);
      }
    } else if (ast.isColumnCheck(c)) {
      m.column = c.column;
      const p = c.predicate;
      if (ast.isNotNull(p)) m.kind = 'not_null';
      else if (ast.isUnique(p)) m.kind = 'unique';
      else if (ast.isExists(p)) m.kind = 'exists';
      else if (ast.isRangePredicate(p)) { m.kind = 'between'; applyRange(p.range); }
      else if (ast.isInSet(p)) {
        if (p.ref) { m.kind = 'values_in'; m.ref = this.nodeRef(toModelValue(p.ref)); }
        else { m.kind = 'in_set'; m.values = this.scalars(p.values); }
      } else if (ast.isNotInSet(p)) { m.kind = 'not_in_set'; m.values = this.scalars(p.values); }
      else if (ast.isMatches(p)) { m.kind = 'matches'; m.pattern = p.pattern; }
      else if (ast.isOfType(p)) { m.kind = 'type'; m.typeName = p.typeName; }
      else if (ast.isLengthCheck(p)) { m.kind = 'length_between'; applyRange(p.range); }
    }
    return m;
  }

  private scalars(list: ast.ListValue | undefined): Scalar[] {
    return (list?.items ?? []).map((i) => this.scalar(toModelValue(i)) ?? valueText(i));
  }
}

/** Data and artifact dependencies between nodes, one edge per (from, output, to, role). */
export function edgesOf(nodes: PipelineNode[]): PipelineEdge[] {
  const ids = new Set(nodes.map((n) => n.id));
  const seen = new Set<string>();
  const edges: PipelineEdge[] = [];
  const add = (to: string, role: EdgeRole, ref: NodeRef | string | undefined, isStepOutput: (r: NodeRef) => boolean) => {
    if (!ref) return;
    const r = typeof ref === 'string' ? { node: ref } : ref;
    if (!ids.has(r.node) || r.node === to) return;
    const fromPort = isStepOutput(r) ? r.member : undefined;
    const key = `${r.node}\0${fromPort ?? ''}\0${to}\0${role}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push(fromPort ? { from: r.node, fromPort, to, role } : { from: r.node, to, role });
  };
  const stepIds = new Set(nodes.filter((n) => n.kind === 'step').map((n) => n.id));
  const port = (r: NodeRef) => stepIds.has(r.node) && r.member !== undefined;
  for (const n of nodes) {
    switch (n.kind) {
      case 'features': add(n.id, 'from', n.from, port); break;
      case 'training_set':
        add(n.id, 'labels', n.labels, port);
        for (const f of n.features) add(n.id, 'feature', f, port);
        break;
      case 'step':
        for (const i of n.inputs) add(n.id, 'input', i, port);
        add(n.id, 'model', n.model, port);
        add(n.id, 'data', n.data, port);
        break;
      case 'model':
        add(n.id, 'from', n.from, port);
        add(n.id, 'evaluation', n.evaluation, port);
        break;
      case 'deploy': add(n.id, 'model', n.model, port); break;
      case 'monitor':
        add(n.id, 'reference', n.reference, port);
        add(n.id, 'current', n.current, port);
        add(n.id, 'retrain', n.retrain, port);
        break;
      case 'source':
        break;
    }
  }
  return edges;
}
