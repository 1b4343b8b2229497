import type { ExecKind } from '../events.js';
import type { KindResult, StepContext } from '../step-context.js';

/**
 * Kinds that run inside the runtime (DuckDB, onnxruntime, the registry) rather than as processes. Each is
 * loaded when a node of its kind first runs: a pipeline of process steps (and every `mlpipe run` start)
 * does not pay for initialising the data engine's, ONNX's and protobuf's modules.
 */
export const IN_PROCESS: Partial<Record<ExecKind, (ctx: StepContext) => Promise<KindResult>>> = {
  sql: async (ctx) => (await import('./sql.js')).runSql(ctx),
  training_set: async (ctx) => (await import('./training-set.js')).runTrainingSet(ctx),
  view: async (ctx) => (await import('./view.js')).runView(ctx),
  evaluate: async (ctx) => (await import('./evaluate.js')).runEvaluate(ctx),
  model: async (ctx) => (await import('./register.js')).runRegister(ctx),
};
