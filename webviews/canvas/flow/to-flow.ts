import type { CanvasEdge, CanvasGraph, CanvasNode, NodeRunStatus, XY } from '../protocol.js';
import { NODE_WIDTH, nodeHeight } from '../layout/node-size.js';
import { nodeHandles } from './node-handles.js';
import { IN_HANDLE, OUT_HANDLE, outputHandle, type PipelineFlowEdge, type PipelineFlowNode } from './flow-types.js';

export interface FlowInputs {
  graph: CanvasGraph;
  positionOf: (id: string) => XY | undefined;
  run: Record<string, NodeRunStatus>;
  selected: ReadonlySet<string>;
  readOnly: boolean;
}

/**
 * React Flow nodes for a graph. A node whose content, position and selection did not change keeps
 * its previous object, so React Flow re-renders only what changed (hundreds of nodes per keystroke
 * otherwise) and keeps its measured size.
 */
export function toFlowNodes(input: FlowInputs, previous: ReadonlyMap<string, PipelineFlowNode>): PipelineFlowNode[] {
  const out: PipelineFlowNode[] = [];
  for (const node of input.graph.nodes) {
    const position = input.positionOf(node.id);
    if (!position) continue;
    const run = input.run[node.id];
    const selected = input.selected.has(node.id);
    const prev = previous.get(node.id);
    if (prev && prev.position.x === position.x && prev.position.y === position.y && !!prev.selected === selected
      && prev.data.readOnly === input.readOnly && sameRun(prev.data.run, run) && sameNode(prev.data.node, node)) {
      out.push(prev);
      continue;
    }
    const height = nodeHeight(node.outputs.length);
    out.push({
      id: node.id,
      type: 'pipeline',
      position,
      selected,
      width: NODE_WIDTH,
      height,
      // Size and handles are known (node-size.ts), so React Flow need not render a node to measure it:
      // it draws only what is in view, and "initialised" (which fitting waits for) holds at once.
      measured: { width: NODE_WIDTH, height },
      handles: nodeHandles(node),
      data: { node, readOnly: input.readOnly, ...(run ? { run } : {}) },
    });
  }
  return out;
}

/**
 * Edges grouped by what is drawn: one line per source handle, target and role. An edge equal to one
 * in `previous` (same id, label and references) keeps that object, so after a gesture React Flow
 * redraws only the edges that changed, not all of them.
 */
export function toFlowEdges(graph: CanvasGraph, previous: ReadonlyMap<string, PipelineFlowEdge> = new Map()): PipelineFlowEdge[] {
  const outputs = new Map(graph.nodes.map((n) => [n.id, n.outputs]));
  const groups = new Map<string, PipelineFlowEdge>();
  for (const e of graph.edges) {
    const ports = outputs.get(e.from);
    if (!ports || !outputs.has(e.to)) continue;
    const handle = ports.length === 0 ? OUT_HANDLE : outputHandle(e.fromPort && ports.includes(e.fromPort) ? e.fromPort : ports[0]);
    const id = `${e.from}|${handle}|${e.to}|${e.role}`;
    const group = groups.get(id);
    if (group) {
      group.data!.refs.push(e);
      continue;
    }
    groups.set(id, { id, source: e.from, sourceHandle: handle, target: e.to, targetHandle: IN_HANDLE, data: { refs: [e] } });
  }
  const out: PipelineFlowEdge[] = [];
  for (const g of groups.values()) {
    const label = edgeLabel(g.data!.refs);
    if (label) g.label = label;
    const prev = previous.get(g.id);
    out.push(prev && prev.label === g.label && sameRefs(prev.data!.refs, g.data!.refs) ? prev : g);
  }
  return out;
}

function sameRefs(a: readonly CanvasEdge[], b: readonly CanvasEdge[]): boolean {
  return a.length === b.length && a.every((r, i) => r.id === b[i].id && r.fromPort === b[i].fromPort);
}

/** Whether two lists hold the same objects in the same order (then React Flow need not hear of it). */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Plain `inputs` need no label; other roles say what the reference is for. */
function edgeLabel(refs: readonly CanvasEdge[]): string | undefined {
  const role = refs[0].role;
  if (role === 'input') return undefined;
  if (role === 'feature') {
    // The model gives one edge per view; a port names a single column when there is one.
    const ports = refs.map((r) => r.fromPort).filter((p): p is string => !!p);
    return ports.length === 0 || ports.length > 2 ? 'features' : ports.join(', ');
  }
  return role;
}

function sameRun(a: NodeRunStatus | undefined, b: NodeRunStatus | undefined): boolean {
  return a === b || (!!a && !!b && a.state === b.state && a.durationMs === b.durationMs && a.message === b.message);
}

function sameNode(a: CanvasNode, b: CanvasNode): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
