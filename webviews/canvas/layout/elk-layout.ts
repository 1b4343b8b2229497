import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { CanvasGraph, Positions } from '../protocol.js';
import { NODE_WIDTH, nodeHeight } from './node-size.js';

/**
 * Left-to-right layered layout (ELK "layered", the Sugiyama method). The bundled build runs in this
 * thread: a Worker would need a blob: worker-src in the webview's CSP, and 500 nodes lay out in a
 * few hundred milliseconds (bench/canvas-layout.bench.ts).
 */
const elk = new ELK();

const OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '28',
  'elk.layered.spacing.nodeNodeBetweenLayers': '72',
  'elk.spacing.componentComponent': '48',
  // Follow the order of the text where the layout allows it: the canvas reads like the file.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};

export async function layoutGraph(graph: Pick<CanvasGraph, 'nodes' | 'edges'>): Promise<Positions> {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const root: ElkNode = {
    id: '__root',
    layoutOptions: OPTIONS,
    children: graph.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: nodeHeight(n.outputs.length) })),
    edges: graph.edges
      .filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to)
      .map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  };
  const laid = await elk.layout(root);
  const positions: Positions = {};
  for (const c of laid.children ?? []) positions[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return positions;
}
