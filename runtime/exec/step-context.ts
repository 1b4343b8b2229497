import type { PipelineModel, Scalar } from '../../language-server/model/pipeline-model.js';
import type { Registry } from '../registry/registry.js';
import type { Workspace } from '../store/workspace.js';
import type { FailureReason, RunEventInput } from './events.js';
import type { ExecInput, ExecNode } from './graph.js';
import type { RunData } from './run-data.js';

export interface ResolvedInput extends ExecInput {
  /** Absolute path of the file (an upstream output) or of a source's path/glob; absent for views read in place. */
  path?: string;
  /** A source's matched files. */
  files?: string[];
}

/** What a node's execution gets from the executor, whatever its kind. */
export interface StepContext {
  runId: string;
  attempt: number;
  exec: ExecNode;
  workspace: Workspace;
  /** The .mlpipe file's folder: relative paths in the pipeline are relative to it. */
  baseDir: string;
  pipelineFile: string;
  /** The run's effective pipeline params. */
  params: Record<string, Scalar>;
  /** The pipeline with the run's param overrides applied. */
  model: PipelineModel;
  inputs: ResolvedInput[];
  /** Every node finished so far in this run (or taken from the cache) → its first output file. */
  produced: ReadonlyMap<string, string>;
  /** The folder the node's outputs go to (moved into the cache when it succeeds). */
  outDir: string;
  outputPath(name: string): string;
  signal: AbortSignal;
  /** A line in the step's log (masked, recorded, streamed). */
  log(line: string): void;
  /** Metric points, as an SDK would log them. */
  metric(key: string, value: number, step?: number): void;
  emit(e: RunEventInput): void;
  data: RunData;
  registry: Registry;
  /** The environment process steps start from (kinds/process.ts `inheritedEnv`), taken once per run. */
  inheritedEnv: Readonly<Record<string, string>>;
}

export interface KindResult {
  metrics?: Record<string, number>;
  /** Facts kept in the cache entry (e.g. the model version a registration created). */
  extra?: Record<string, unknown>;
}

/** A failure with its category, so events can say "timeout" or "gate" rather than just "error". */
export class StepFailure extends Error {
  constructor(message: string, readonly reason: FailureReason, readonly exit?: { code: number | null; signal: string | null }) {
    super(message);
  }
}

export function inputByRole(ctx: StepContext, role: ExecInput['role']): ResolvedInput | undefined {
  return ctx.inputs.find((i) => i.role === role);
}
