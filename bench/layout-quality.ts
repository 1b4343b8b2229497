// How readable a canvas layout is, as drawn: React Flow draws each edge from its source's right edge to
// its target's left edge (ELK's own routes are not used), so crossings and edges over nodes are
// counted on those straight lines. For comparing ELK options (bench/canvas-layout.bench.ts).
import { NODE_WIDTH, nodeHeight } from '../webviews/canvas/layout/node-size.js';
import type { CanvasGraph, Positions } from '../webviews/canvas/protocol.js';

export interface LayoutQuality {
  /** Pairs of edges whose drawn lines cross (edges sharing an end do not count). */
  crossings: number;
  /** Edges whose line passes over a node other than its two ends. */
  edgesOverNodes: number;
  width: number;
  height: number;
  /** Edges that do not go left to right. */
  backwards: number;
  /** Pairs of nodes in one column whose top-to-bottom order is not the text's. */
  columnOrderInversions: number;
}

interface Seg { ax: number; ay: number; bx: number; by: number; from: string; to: string }

export function layoutQuality(graph: Pick<CanvasGraph, 'nodes' | 'edges'>, p: Positions): LayoutQuality {
  const h = new Map(graph.nodes.map((n) => [n.id, nodeHeight(n.outputs.length)]));
  const segs: Seg[] = graph.edges.filter((e) => p[e.from] && p[e.to] && e.from !== e.to).map((e) => ({
    ax: p[e.from].x + NODE_WIDTH, ay: p[e.from].y + h.get(e.from)! / 2, bx: p[e.to].x, by: p[e.to].y + h.get(e.to)! / 2, from: e.from, to: e.to,
  }));
  let crossings = 0;
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 1; j < segs.length; j++) {
      const a = segs[i];
      const b = segs[j];
      if (a.from === b.from || a.to === b.to || a.from === b.to || a.to === b.from) continue;
      if (intersects(a, b)) crossings++;
    }
  }
  let edgesOverNodes = 0;
  for (const s of segs) {
    const over = graph.nodes.some((n) => n.id !== s.from && n.id !== s.to && p[n.id] && crossesBox(s, p[n.id].x, p[n.id].y, NODE_WIDTH, h.get(n.id)!));
    if (over) edgesOverNodes++;
  }
  const xs = graph.nodes.map((n) => p[n.id]).filter(Boolean);
  const width = Math.max(...xs.map((q) => q.x)) + NODE_WIDTH - Math.min(...xs.map((q) => q.x));
  const height = Math.max(...graph.nodes.map((n) => p[n.id].y + h.get(n.id)!)) - Math.min(...xs.map((q) => q.y));
  const backwards = segs.filter((s) => s.bx <= s.ax - NODE_WIDTH).length;
  const columns = new Map<number, { y: number; i: number }[]>();
  graph.nodes.forEach((n, i) => {
    const c = columns.get(p[n.id].x) ?? [];
    c.push({ y: p[n.id].y, i });
    columns.set(p[n.id].x, c);
  });
  let columnOrderInversions = 0;
  for (const c of columns.values()) {
    for (let a = 0; a < c.length; a++) for (let b = a + 1; b < c.length; b++) if ((c[a].i < c[b].i) !== (c[a].y < c[b].y)) columnOrderInversions++;
  }
  return { crossings, edgesOverNodes, width, height, backwards, columnOrderInversions };
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) => Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));

function intersects(a: Seg, b: Seg): boolean {
  const o1 = orient(a.ax, a.ay, a.bx, a.by, b.ax, b.ay);
  const o2 = orient(a.ax, a.ay, a.bx, a.by, b.bx, b.by);
  const o3 = orient(b.ax, b.ay, b.bx, b.by, a.ax, a.ay);
  const o4 = orient(b.ax, b.ay, b.bx, b.by, a.bx, a.by);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

/** Whether the segment passes through the box's interior (Liang–Barsky clipping). */
function crossesBox(s: Seg, x: number, y: number, w: number, hh: number): boolean {
  const dx = s.bx - s.ax;
  const dy = s.by - s.ay;
  let t0 = 0;
  let t1 = 1;
  const clip = (pp: number, q: number) => {
    if (pp === 0) return q > 0;
    const r = q / pp;
    if (pp < 0) { if (r > t1) return false; if (r > t0) t0 = r; } else { if (r < t0) return false; if (r < t1) t1 = r; }
    return true;
  };
  return clip(-dx, s.ax - x) && clip(dx, x + w - s.ax) && clip(-dy, s.ay - y) && clip(dy, y + hh - s.ay) && t1 - t0 > 1e-9;
}
