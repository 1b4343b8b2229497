/**
 * The difference between two canvas graphs, so that after a gesture the host sends what changed
 * (one new block: about a kilobyte) instead of the whole graph again (200 nodes: about 80 kB through
 * the extension host, the workbench and two iframes), and the webview's store keeps the objects of
 * unchanged nodes without comparing them. Pure: the host computes patches, the webview applies them,
 * and applying the patch of `a → b` to `a` gives a graph equal to `b`, in the same order.
 */
import type { CanvasEdge, CanvasGraph, CanvasNode } from './protocol.js';

export interface GraphPatch {
  /** Nodes added or changed, whole; a changed node stays where it was, an added one goes last. */
  nodes: CanvasNode[];
  removedNodes: string[];
  /** All node ids in order, only when the rule above would give another order (a block inserted between others). */
  nodeOrder?: string[];
  /** Edges added or changed, whole (same rule as nodes). */
  edges: CanvasEdge[];
  removedEdges: string[];
  edgeOrder?: string[];
  /** Only when changed. */
  name?: string;
  targets?: string[];
}

interface Identified {
  id: string;
}

/** What turns `before` into `after`. Objects of `after` that are the objects of `before` are not compared. */
export function diffGraph(before: CanvasGraph, after: CanvasGraph): GraphPatch {
  const nodes = diffList(before.nodes, after.nodes);
  const edges = diffList(before.edges, after.edges);
  return {
    nodes: nodes.set, removedNodes: nodes.removed, ...(nodes.order ? { nodeOrder: nodes.order } : {}),
    edges: edges.set, removedEdges: edges.removed, ...(edges.order ? { edgeOrder: edges.order } : {}),
    ...(before.name !== after.name ? { name: after.name } : {}),
    ...(JSON.stringify(before.targets) !== JSON.stringify(after.targets) ? { targets: after.targets } : {}),
  };
}

/** Whether the patch changes nothing (then the webview need not hear of the graph at all). */
export function isEmptyPatch(p: GraphPatch): boolean {
  return !p.nodes.length && !p.removedNodes.length && !p.nodeOrder && !p.edges.length && !p.removedEdges.length && !p.edgeOrder
    && p.name === undefined && p.targets === undefined;
}

/**
 * `graph` with `patch` applied. Unchanged nodes and edges keep their objects; an empty patch gives
 * `graph` itself. Throws if the patch does not fit the graph (it was made for another one).
 */
export function applyGraphPatch(graph: CanvasGraph, patch: GraphPatch): CanvasGraph {
  if (isEmptyPatch(patch)) return graph;
  return {
    name: patch.name ?? graph.name,
    nodes: applyList(graph.nodes, patch.nodes, patch.removedNodes, patch.nodeOrder),
    edges: applyList(graph.edges, patch.edges, patch.removedEdges, patch.edgeOrder),
    targets: patch.targets ?? graph.targets,
  };
}

function diffList<T extends Identified>(before: readonly T[], after: readonly T[]): { set: T[]; removed: string[]; order?: string[] } {
  const old = new Map(before.map((x) => [x.id, x]));
  const ids = new Set(after.map((x) => x.id));
  const removed = before.filter((x) => !ids.has(x.id)).map((x) => x.id);
  const set = after.filter((x) => {
    const prev = old.get(x.id);
    return prev !== x && (!prev || JSON.stringify(prev) !== JSON.stringify(x));
  });
  // The order applying would give: the kept ones where they were, the new ones after them.
  const natural = [...before.filter((x) => ids.has(x.id)).map((x) => x.id), ...after.filter((x) => !old.has(x.id)).map((x) => x.id)];
  const inOrder = natural.length === after.length && natural.every((id, i) => id === after[i].id);
  return { set, removed, ...(inOrder ? {} : { order: after.map((x) => x.id) }) };
}

function applyList<T extends Identified>(list: readonly T[], set: readonly T[], removed: readonly string[], order: readonly string[] | undefined): T[] {
  const gone = new Set(removed);
  const changed = new Map(set.map((x) => [x.id, x]));
  const known = new Set<string>();
  const out: T[] = [];
  for (const x of list) {
    if (gone.has(x.id)) continue;
    known.add(x.id);
    out.push(changed.get(x.id) ?? x);
  }
  for (const x of set) if (!known.has(x.id)) out.push(x);
  if (!order) return out;
  const byId = new Map(out.map((x) => [x.id, x]));
  if (order.length !== out.length) throw new Error('graph patch: the order does not fit the graph');
  return order.map((id) => {
    const x = byId.get(id);
    if (!x) throw new Error(`graph patch: '${id}' is not in the graph`);
    return x;
  });
}
