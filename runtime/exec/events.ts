/**
 * The run event stream: what `mlpipe run --json-events` prints, one JSON object per line, and what the
 * extension consumes to animate the canvas, stream logs and draw live metric curves. It is the only
 * definition of these shapes; docs/runtime.md documents them and a test checks the CLI prints nothing else.
 *
 * Every event has `type`, `runId` and `ts` (ms since the epoch). Step events carry `step`: the id of the
 * pipeline node (the block's name), which is also the canvas node id. Changes are additive: new fields
 * and new event types may appear; consumers ignore what they do not know. `v` in `run_started` is bumped
 * only for incompatible changes.
 */
import type { Scalar } from '../../language-server/model/pipeline-model.js';

export const EVENT_STREAM_VERSION = 1;

/** What executes for a pipeline node. Sources and plain feature views are read, not executed. */
export type ExecKind =
  | 'training_set' // point-in-time join materialised as Parquet
  | 'view'         // a feature view materialised because a process step reads it
  | 'sql' | 'python' | 'node' | 'shell' | 'notebook' | 'evaluate'
  | 'model';       // registration in the model registry

/** Why a node runs instead of being taken from the cache. */
export type RerunReason =
  | { kind: 'new' }                                   // never ran (successfully) in this workspace
  | { kind: 'forced' }                                // --force or --from
  | { kind: 'cache-disabled' }                        // `cache false`
  | { kind: 'definition'; fields: string[] }          // e.g. ['sql'], ['outputs']
  | { kind: 'param'; name: string; before?: Scalar; after?: Scalar }
  | { kind: 'code'; file: string }                    // a script, notebook or file the command names
  | { kind: 'input'; input: string }                  // an input's data changed
  | { kind: 'env'; name: string }                     // an `env` value changed (values are never shown)
  | { kind: 'upstream'; steps: string[] }             // plan only: these upstream nodes run first
  | { kind: 'missing-result' }                        // ran before with this key, but the cache entry is gone
  | { kind: 'registry' };                             // model: the registry lacks the version the cache recorded

export interface PlannedNode {
  step: string;
  kind: ExecKind;
  /** Node ids this one waits for. */
  deps: string[];
  /** `cached`: taken from the cache; `run`: will execute; `pending`: depends on upstream results. */
  action: 'run' | 'cached' | 'pending';
  reasons: RerunReason[];
  /** The reasons as one sentence, for people. */
  why: string;
  /** Known when every input is known (always for `cached`). */
  key?: string;
  target: string;
}

export interface OutputInfo {
  /** Absolute path in the store. */
  path: string;
  digest: string;
  bytes: number;
}

export interface MetricPoint {
  key: string;
  value: number;
  /** The training step / epoch the value belongs to (MLflow's `step`), when the step gave one. */
  step?: number;
  /** ms since the epoch, from the step's clock. */
  timestamp: number;
}

interface EventBase {
  runId: string;
  ts: number;
}

export interface RunStartedEvent extends EventBase {
  type: 'run_started';
  v: number;
  pipeline: string;
  /** The .mlpipe file, absolute. */
  file: string;
  workspace: string;
  /** Effective pipeline params (defaults with `--param` overrides applied). */
  params: Record<string, Scalar>;
  /** Every node this run considers, in a topological order. */
  nodes: PlannedNode[];
  parent?: string;
  git?: { commit: string; dirty: boolean };
  /** sha256 of the .mlpipe file and of each source's data (files and contents) this run reads. */
  lineage: { pipelineDigest: string; sources: Record<string, string> };
  host: string;
  pid: number;
}

export interface StepStartedEvent extends EventBase {
  type: 'step_started';
  step: string;
  kind: ExecKind;
  attempt: number;
  maxAttempts: number;
  target: string;
  host: string;
  key: string;
  reasons: RerunReason[];
  why: string;
  /** Process steps: the pid (also the process group id) of the step's process. */
  pid?: number;
}

export interface StepCachedEvent extends EventBase {
  type: 'step_cached';
  step: string;
  kind: ExecKind;
  key: string;
  /** The run that produced the cached result. */
  producedBy: string;
  why: string;
  outputs: Record<string, OutputInfo>;
  metrics: Record<string, number>;
}

export interface StepLogEvent extends EventBase {
  type: 'step_log';
  step: string;
  attempt: number;
  stream: 'stdout' | 'stderr';
  /** One line, without its newline; values that look like secrets are masked. */
  line: string;
}

export interface StepMetricEvent extends EventBase {
  type: 'step_metric';
  step: string;
  attempt: number;
  /** Points in the order the step logged them (batched: one event per read of the step's sink). */
  points: MetricPoint[];
}

export interface StepParamsEvent extends EventBase {
  type: 'step_params';
  step: string;
  params: Record<string, Scalar>;
}

export interface StepArtifactEvent extends EventBase {
  type: 'step_artifact';
  step: string;
  name: string;
  path: string;
}

export interface StepRetryEvent extends EventBase {
  type: 'step_retry';
  step: string;
  /** The attempt that failed. */
  attempt: number;
  nextAttempt: number;
  delayMs: number;
  error: string;
}

export interface StepFinishedEvent extends EventBase {
  type: 'step_finished';
  step: string;
  kind: ExecKind;
  attempt: number;
  durationMs: number;
  key: string;
  outputs: Record<string, OutputInfo>;
  metrics: Record<string, number>;
  /** Steps on ssh/slurm targets: host, remote paths, hashes of the code and inputs sent (docs/remote.md). */
  remote?: Record<string, unknown>;
}

export type FailureReason = 'exit' | 'signal' | 'timeout' | 'cancelled' | 'gate' | 'error';

export interface StepFailedEvent extends EventBase {
  type: 'step_failed';
  step: string;
  kind: ExecKind;
  attempt: number;
  durationMs: number;
  reason: FailureReason;
  /** One line for people: "exit code 3", "timed out after 2s", "gate auc >= 0.8 failed: auc = 0.74". */
  error: string;
  exitCode?: number | null;
  signal?: string | null;
  /** The last lines of the step's log, for the error notification. */
  logTail?: string[];
  /** As on step_finished, when the step reached its remote target. */
  remote?: Record<string, unknown>;
}

export interface StepSkippedEvent extends EventBase {
  type: 'step_skipped';
  step: string;
  /** "upstream train failed", "run cancelled". */
  why: string;
}

export interface ModelRegisteredEvent extends EventBase {
  type: 'model_registered';
  step: string;
  model: string;
  version: number;
  /** False when the version already existed (same artifact digest). */
  created: boolean;
  aliases: string[];
  gates: GateResult[];
}

export interface GateResult {
  gate: string;
  metric: string;
  value: number | null;
  passed: boolean;
}

export interface RunFinishedEvent extends EventBase {
  type: 'run_finished';
  status: 'succeeded' | 'failed' | 'cancelled';
  durationMs: number;
  counts: { ran: number; cached: number; failed: number; skipped: number };
  /** Steps that failed. */
  failed: string[];
}

export type RunEvent =
  | RunStartedEvent | StepStartedEvent | StepCachedEvent | StepLogEvent | StepMetricEvent | StepParamsEvent
  | StepArtifactEvent | StepRetryEvent | StepFinishedEvent | StepFailedEvent | StepSkippedEvent
  | ModelRegisteredEvent | RunFinishedEvent;

export type RunEventType = RunEvent['type'];

/** Every event type, for consumers that validate a stream (and for the test that keeps docs in step). */
export const RUN_EVENT_TYPES: readonly RunEventType[] = [
  'run_started', 'step_started', 'step_cached', 'step_log', 'step_metric', 'step_params', 'step_artifact',
  'step_retry', 'step_finished', 'step_failed', 'step_skipped', 'model_registered', 'run_finished',
];

/** Distributes `Omit` over the union, so a producer can leave out the fields the emitter fills in. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RunEventInput = DistributiveOmit<RunEvent, 'runId' | 'ts'>;

/** Reasons as a sentence: "param lr changed (0.05 → 0.1); code steps/train.mjs changed". */
export function reasonsText(reasons: readonly RerunReason[]): string {
  return reasons.map(reasonText).join('; ');
}

export function reasonText(r: RerunReason): string {
  switch (r.kind) {
    case 'new': return 'no earlier result';
    case 'forced': return 'forced';
    case 'cache-disabled': return 'cache disabled for this step';
    case 'definition': return `definition changed (${r.fields.join(', ')})`;
    case 'param': return `param ${r.name} changed${r.before !== undefined || r.after !== undefined ? ` (${show(r.before)} → ${show(r.after)})` : ''}`;
    case 'code': return `code ${r.file} changed`;
    case 'input': return `input ${r.input} changed`;
    case 'env': return `env ${r.name} changed`;
    case 'upstream': return `after ${r.steps.join(', ')}`;
    case 'missing-result': return 'the cached result was deleted';
    case 'registry': return 'the registry lacks the recorded version';
  }
}

function show(v: Scalar | undefined): string {
  return v === undefined ? 'unset' : JSON.stringify(v);
}
