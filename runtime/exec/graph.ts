import type {
  FeatureViewNode, ModelNode, NodeRef, PipelineModel, PipelineNode, SourceNode, StepNode, TrainingSetNode,
} from '../../language-server/model/pipeline-model.js';
import type { ExecKind } from './events.js';

/** Where an executable node's input comes from. */
export type InputOrigin =
  | { type: 'source'; node: SourceNode }
  /** A feature view read in place (SQL over its sources), e.g. by a sql step or a training set. */
  | { type: 'view'; node: FeatureViewNode }
  /**
   * A file another executable node writes (a step output, a training set, a materialised view, ...);
   * `output` is '' when the reference names a step as a whole (ordering, no file).
   */
  | { type: 'exec'; node: string; output: string };

export interface ExecInput {
  /** As written: `train_data`, `train_rows.rows`. Also the key under MLPIPE_INPUTS and the SDK's name. */
  name: string;
  /** The SQL table name a sql step sees: the node's name, or `step_output` when a step has several. */
  table: string;
  role: 'input' | 'model' | 'data' | 'labels' | 'feature' | 'from' | 'evaluation';
  origin: InputOrigin;
}

export interface ExecOutput {
  name: string;
  /** File name inside the node's output folder. */
  file: string;
}

export interface ExecNode {
  /** The pipeline node id (= canvas node id). */
  id: string;
  kind: ExecKind;
  node: StepNode | TrainingSetNode | FeatureViewNode | ModelNode;
  /** Executable nodes that must finish first. */
  deps: string[];
  inputs: ExecInput[];
  outputs: ExecOutput[];
  /** Target name (`local` for everything that runs inside the runtime). */
  target: string;
}

export interface ExecGraph {
  model: PipelineModel;
  nodes: Map<string, ExecNode>;
  /** Topological order, stable: the file's order where the dependencies allow it. */
  order: string[];
  /** What each feature view reads (its `from` and the names its SQL mentions), for its data digest. */
  viewInputs: Map<string, ExecInput[]>;
}

const PROCESS_KINDS: ReadonlySet<string> = new Set(['python', 'node', 'shell', 'notebook']);

export function isProcessKind(kind: ExecKind): boolean {
  return PROCESS_KINDS.has(kind);
}

/**
 * The executable graph of a pipeline: every step, training set and model registration, plus the feature
 * views a process step reads (those must exist as files). Sources and other views are read in place,
 * so they are not nodes here; their data still enters the cache keys of the nodes that read them.
 */
export function buildGraph(model: PipelineModel): ExecGraph {
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const nodes = new Map<string, ExecNode>();
  const viewsToMaterialise = new Set<string>();

  for (const n of model.nodes) {
    if (n.kind === 'step' && PROCESS_KINDS.has(n.stepKind)) {
      for (const ref of n.inputs) if (byName.get(ref.node)?.kind === 'features') viewsToMaterialise.add(ref.node);
    }
  }

  const originOf = (ref: NodeRef): InputOrigin | undefined => {
    const target = byName.get(ref.node);
    switch (target?.kind) {
      case 'source': return { type: 'source', node: target };
      case 'features':
        return viewsToMaterialise.has(target.name) ? { type: 'exec', node: target.name, output: 'rows' } : { type: 'view', node: target };
      case 'training_set': return { type: 'exec', node: target.name, output: 'rows' };
      case 'step': {
        if (target.stepKind === 'evaluate') return { type: 'exec', node: target.name, output: 'metrics' };
        const output = ref.member ?? (target.outputs.length === 1 ? target.outputs[0].name : target.stepKind === 'sql' && !target.outputs.length ? 'rows' : undefined);
        // A step named without an output (it has none, or several) is still a dependency: it runs first,
        // and its result's key stands for its data.
        return { type: 'exec', node: target.name, output: output ?? '' };
      }
      case 'model': return { type: 'exec', node: target.name, output: 'model' };
      default: return undefined;
    }
  };

  const inputsOf = (refs: { ref: NodeRef | undefined; role: ExecInput['role'] }[]): ExecInput[] => {
    const out: ExecInput[] = [];
    const fromStep = new Map<string, number>();
    for (const { ref } of refs) if (ref && byName.get(ref.node)?.kind === 'step') fromStep.set(ref.node, (fromStep.get(ref.node) ?? 0) + 1);
    for (const { ref, role } of refs) {
      if (!ref) continue;
      const origin = originOf(ref);
      if (!origin) continue;
      const name = ref.member && byName.get(ref.node)?.kind === 'step' ? `${ref.node}.${ref.member}` : ref.node;
      const table = (fromStep.get(ref.node) ?? 0) > 1 && ref.member ? `${ref.node}_${ref.member}` : ref.node;
      if (!out.some((i) => i.name === name && i.role === role)) out.push({ name, table, role, origin });
    }
    return out;
  };

  /** Data dependencies of a view read in place: what its `from` or SQL names. */
  const viewInputs = (v: FeatureViewNode): ExecInput[] => {
    const refs: { ref: NodeRef; role: ExecInput['role'] }[] = [];
    if (v.from) refs.push({ ref: v.from, role: 'from' });
    if (v.sql) {
      for (const other of model.nodes) {
        if (other.name !== v.name && (other.kind === 'source' || other.kind === 'features' || other.kind === 'step') && mentions(v.sql, other.name)) {
          refs.push({ ref: { node: other.name }, role: 'from' });
        }
      }
    }
    return inputsOf(refs);
  };

  for (const n of model.nodes) {
    let exec: ExecNode | undefined;
    if (n.kind === 'step') {
      const kind = n.stepKind as ExecKind;
      const inputs = n.stepKind === 'evaluate'
        ? inputsOf([{ ref: n.model, role: 'model' }, { ref: n.data, role: 'data' }, ...n.inputs.map((ref) => ({ ref, role: 'input' as const }))])
        : inputsOf(n.inputs.map((ref) => ({ ref, role: 'input' as const })));
      exec = { id: n.id, kind, node: n, deps: [], inputs, outputs: stepOutputs(n), target: n.target ?? 'local' };
    } else if (n.kind === 'training_set') {
      const inputs = inputsOf([{ ref: n.labels, role: 'labels' }, ...n.features.map((f) => ({ ref: { node: f.node }, role: 'feature' as const }))]);
      exec = { id: n.id, kind: 'training_set', node: n, deps: [], inputs, outputs: [{ name: 'rows', file: `${n.name}.parquet` }], target: 'local' };
    } else if (n.kind === 'features' && viewsToMaterialise.has(n.name)) {
      exec = { id: n.id, kind: 'view', node: n, deps: [], inputs: viewInputs(n), outputs: [{ name: 'rows', file: `${n.name}.parquet` }], target: 'local' };
    } else if (n.kind === 'model') {
      const inputs = inputsOf([{ ref: n.from, role: 'from' }, { ref: n.evaluation ? { node: n.evaluation } : undefined, role: 'evaluation' }]);
      exec = { id: n.id, kind: 'model', node: n, deps: [], inputs, outputs: [{ name: 'model', file: 'model.onnx' }], target: 'local' };
    }
    if (exec) nodes.set(exec.id, exec);
  }

  // Views read in place pass their own dependencies on: a training set over a view computed from a
  // step's output must wait for that step.
  const expand = (inputs: ExecInput[], seen = new Set<string>()): ExecInput[] => inputs.flatMap((i) => {
    if (i.origin.type !== 'view' || seen.has(i.origin.node.name)) return [i];
    seen.add(i.origin.node.name);
    return [i, ...expand(viewInputs(i.origin.node), seen).map((x) => ({ ...x, role: 'from' as const }))];
  });
  for (const e of nodes.values()) {
    const deps = new Set<string>();
    for (const i of expand(e.inputs)) if (i.origin.type === 'exec' && nodes.has(i.origin.node)) deps.add(i.origin.node);
    deps.delete(e.id);
    e.deps = [...deps];
  }
  const views = new Map<string, ExecInput[]>();
  for (const n of model.nodes) if (n.kind === 'features') views.set(n.name, viewInputs(n));
  return { model, nodes, order: topoOrder(model.nodes, nodes), viewInputs: views };
}

function stepOutputs(n: StepNode): ExecOutput[] {
  const declared = n.outputs.map((o) => ({ name: o.name, file: o.path }));
  switch (n.stepKind) {
    case 'sql': return declared.length ? declared.slice(0, 1) : [{ name: 'rows', file: `${n.name}.parquet` }];
    case 'evaluate': return [{ name: 'metrics', file: 'metrics.json' }];
    case 'notebook':
      // The executed notebook is always kept: in a declared .ipynb output, or beside the outputs.
      return declared.some((o) => o.file.endsWith('.ipynb')) ? declared : [...declared, { name: 'notebook', file: 'executed.ipynb' }];
    default: return declared;
  }
}

function topoOrder(all: PipelineNode[], nodes: Map<string, ExecNode>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string) => {
    if (state.get(id) === 'done') return;
    // Validation rejects cycles before a run; this guard only keeps a bad graph from recursing forever.
    if (state.get(id) === 'visiting') return;
    state.set(id, 'visiting');
    for (const d of nodes.get(id)!.deps) visit(d);
    state.set(id, 'done');
    order.push(id);
  };
  for (const n of all) if (nodes.has(n.id)) visit(n.id);
  return order;
}

/** Every node downstream of `id` (not including it). */
export function descendants(graph: ExecGraph, id: string): Set<string> {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of graph.nodes.values()) {
      if (out.has(n.id)) continue;
      if (n.deps.some((d) => d === id || out.has(d))) {
        out.add(n.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Every node `ids` need (not including them). */
export function ancestors(graph: ExecGraph, ids: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...ids];
  while (stack.length) {
    for (const d of graph.nodes.get(stack.pop()!)?.deps ?? []) {
      if (!out.has(d)) {
        out.add(d);
        stack.push(d);
      }
    }
  }
  return out;
}

export function mentions(sql: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_"])"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^A-Za-z0-9_])`).test(sql);
}
