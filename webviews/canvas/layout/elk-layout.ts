import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { CanvasGraph, Positions } from '../protocol.js';
import { NODE_WIDTH, nodeHeight } from './node-size.js';

/**
 * Left-to-right layered layout (ELK "layered", the Sugiyama method). Runs in the extension host's
 * layout thread (extension/canvas/layout-worker.ts), never in the webview: the host has the model
 * before the webview has loaded, and the webview bundle stays free of ELK's 1.6 MB. The bundled
 * build runs ELK in the calling thread. Created on the first layout, when the worker starts.
 */
let elk: InstanceType<typeof ELK> | undefined;

const OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '28',
  'elk.layered.spacing.nodeNodeBetweenLayers': '72',
  'elk.spacing.componentComponent': '48',
  // Follow the order of the text where the layout allows it: the canvas reads like the file.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};

/** From this many nodes on, ELK's default thoroughness costs seconds (bench: 500 nodes 1.2–2.9 s). */
export const BIG_GRAPH_NODES = 150;

/**
 * Big graphs: one crossing-minimisation pass instead of seven (`thoroughness` 1; ELK's time is mostly
 * that pass over the dummy nodes of long edges), with the text's order as a preference that never
 * adds crossings (PREFER_EDGES) rather than a constraint. Measured on the 500-node benchmark graph:
 * about 2.5× faster and fewer crossings than the small-graph options with thoroughness 1 (which
 * stack the graph half again as tall); the layout stays left to right.
 */
const BIG_OPTIONS: Record<string, string> = {
  ...OPTIONS,
  'elk.layered.thoroughness': '1',
  'elk.layered.considerModelOrder.strategy': 'PREFER_EDGES',
};

export function layoutOptionsFor(nodes: number): Record<string, string> {
  return nodes >= BIG_GRAPH_NODES ? BIG_OPTIONS : OPTIONS;
}

export async function layoutGraph(graph: Pick<CanvasGraph, 'nodes' | 'edges'>): Promise<Positions> {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const root: ElkNode = {
    id: '__root',
    layoutOptions: layoutOptionsFor(graph.nodes.length),
    children: graph.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: nodeHeight(n.outputs.length) })),
    edges: graph.edges
      .filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to)
      .map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  };
  elk ??= new ELK();
  const laid = await elk.layout(root);
  const positions: Positions = {};
  for (const c of laid.children ?? []) positions[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return positions;
}
