import type { CanvasGraph, Positions, XY } from '../protocol.js';
import { NODE_WIDTH, nodeHeight } from './node-size.js';

const GAP_X = 72;
const GAP_Y = 28;

/**
 * Positions for nodes that have none yet (typed into the text, or restored by undo) without moving
 * any other node: right of what the node reads from, else below everything, then nudged down until
 * it overlaps nothing. A full re-layout would make every node jump on each new block.
 */
export function placeNewNodes(graph: Pick<CanvasGraph, 'nodes' | 'edges'>, known: Positions): Positions {
  const placed: Positions = {};
  const at = (id: string): XY | undefined => placed[id] ?? known[id];
  const boxes: { x: number; y: number; h: number }[] = [];
  const heights = new Map(graph.nodes.map((n) => [n.id, nodeHeight(n.outputs.length)]));
  for (const n of graph.nodes) {
    const p = known[n.id];
    if (p) boxes.push({ ...p, h: heights.get(n.id)! });
  }
  for (const n of graph.nodes) {
    if (known[n.id]) continue;
    const h = heights.get(n.id)!;
    const upstream = graph.edges.filter((e) => e.to === n.id).map((e) => at(e.from)).filter((p): p is XY => !!p);
    let pos: XY;
    if (upstream.length) {
      pos = { x: Math.max(...upstream.map((p) => p.x)) + NODE_WIDTH + GAP_X, y: Math.round(upstream.reduce((s, p) => s + p.y, 0) / upstream.length) };
    } else if (boxes.length) {
      pos = { x: Math.min(...boxes.map((b) => b.x)), y: Math.max(...boxes.map((b) => b.y + b.h)) + GAP_Y };
    } else {
      pos = { x: 0, y: 0 };
    }
    for (let guard = 0; guard < 1000; guard++) {
      const hit = boxes.find((b) => pos.x < b.x + NODE_WIDTH + GAP_X / 2 && b.x < pos.x + NODE_WIDTH + GAP_X / 2 && pos.y < b.y + b.h + GAP_Y / 2 && b.y < pos.y + h + GAP_Y / 2);
      if (!hit) break;
      pos = { x: pos.x, y: hit.y + hit.h + GAP_Y };
    }
    placed[n.id] = pos;
    boxes.push({ ...pos, h });
  }
  return placed;
}
