// Generated pipelines as the canvas sees them, for the canvas benchmarks.
import { generatePipeline } from './generate-pipeline.js';

/** A generated pipeline with `nodes` canvas nodes (sources + steps). */
export function pipelineWithNodes(nodes: number): string {
  // generatePipeline(steps) adds max(1, round(steps / 100)) sources.
  for (let steps = nodes; steps > 0; steps--) {
    if (steps + Math.max(1, Math.round(steps / 100)) === nodes) return generatePipeline(steps);
  }
  throw new Error(`cannot generate exactly ${nodes} nodes`);
}
