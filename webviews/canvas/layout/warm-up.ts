import type { CanvasGraph, CanvasNode } from '../protocol.js';
import { layoutGraph } from './elk-layout.js';

/** A small pipeline shaped like the real ones: sources feeding branches that read their neighbours. */
function sampleGraph(): Pick<CanvasGraph, 'nodes' | 'edges'> {
  const node = (id: string): CanvasNode => ({ id, kind: 'step', specId: 'step:python', outputs: ['out'], props: [], problems: [] });
  const nodes = Array.from({ length: 40 }, (_, i) => node(`n${i}`));
  const edges = nodes.slice(1).flatMap((n, j) => {
    const i = j + 1;
    const from = [i % 8 === 0 ? 0 : i - 1, ...(i >= 8 && i % 3 === 2 ? [i - 8] : [])];
    return from.map((f) => ({ id: `n${f}->${n.id}`, from: `n${f}`, to: n.id, role: 'input' as const }));
  });
  return { nodes, edges };
}

const ROUNDS = 8;

/**
 * Lays out a small graph a few times when the layout thread starts (extension/canvas/layout-worker.ts),
 * while the canvas's model and webview are on their way. ELK is compiled Java
 * (GWT): its first layouts run its class initialisers and cold code, which made the first layout of
 * a 500-node pipeline about twice as slow as later ones. Each round is short and yields in between,
 * and the rounds stop once `stop()` says the real graph is here, so a message waits at most one round.
 */
export async function warmUpLayout(stop: () => boolean): Promise<number> {
  const graph = sampleGraph();
  let rounds = 0;
  while (rounds < ROUNDS && !stop()) {
    await layoutGraph(graph);
    rounds++;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  return rounds;
}
