import type { StepContext } from '../step-context.js';

/**
 * Nodes whose results are files by now, by node name → file (each node's input output, or its first),
 * for the data engine's view of the pipeline: a view read in place may read a step's output even though
 * the node asking only names the view.
 */
export function producedFiles(ctx: StepContext): ReadonlyMap<string, string> {
  const out = new Map(ctx.produced);
  for (const i of ctx.inputs) if (i.origin.type === 'exec' && i.path) out.set(i.origin.node, i.path);
  return out;
}
