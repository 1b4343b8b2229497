import type { ExecKind } from '../events.js';
import type { KindResult, StepContext } from '../step-context.js';
import { runEvaluate } from './evaluate.js';
import { runRegister } from './register.js';
import { runSql } from './sql.js';
import { runTrainingSet } from './training-set.js';
import { runView } from './view.js';

/** Kinds that run inside the runtime (DuckDB, onnxruntime, the registry) rather than as processes. */
export const IN_PROCESS: Partial<Record<ExecKind, (ctx: StepContext) => Promise<KindResult>>> = {
  sql: runSql,
  training_set: runTrainingSet,
  view: runView,
  evaluate: runEvaluate,
  model: runRegister,
};
