import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { PipelineModel, Scalar } from '../../language-server/model/pipeline-model.js';
import { DataError } from '../data/errors.js';
import type { Registry } from '../registry/registry.js';
import type { CacheEntry, KeyComponents, OutputRecord, StepCache } from '../store/cache.js';
import type { FileHasher } from '../store/hashing.js';
import type { DirMemo, Workspace } from '../store/workspace.js';
import type { RunRecorder } from '../tracking/recorder.js';
import { appendIndex } from '../tracking/run-index.js';
import { reasonsText, type FailureReason, type MetricPoint, type RerunReason, type RunEventInput } from './events.js';
import { outputsOf } from './outputs.js';
import { isProcessKind, type ExecNode } from './graph.js';
import { IN_PROCESS } from './kinds/index.js';
import { launchSpec } from './kinds/process.js';
import type { Masker } from './masking.js';
import type { RunData } from './run-data.js';
import type { SpoolFiles, StepRunner } from './runner.js';
import { SinkReader } from './sink.js';
import { StepFailure, type KindResult, type ResolvedInput, type StepContext } from './step-context.js';
import { formatDuration } from '../../language-server/analysis/units.js';

/** What every attempt of a run shares. */
export interface AttemptEnv {
  runId: string;
  workspace: Workspace;
  file: string;
  baseDir: string;
  params: Record<string, Scalar>;
  model: PipelineModel;
  tmpRoot: string;
  /** Folders already made during this run. */
  dirs: DirMemo;
  /** This run's spool folder (see store/spool.ts). */
  spool: string;
  data: RunData;
  registry: Registry;
  cache: StepCache;
  hasher: FileHasher;
  masker: Masker;
  recorder: RunRecorder;
  emit: (e: RunEventInput) => void;
  /** Finished (or cached) nodes → their result. */
  results: ReadonlyMap<string, CacheEntry>;
  /** Finished nodes → their first output file. */
  produced: ReadonlyMap<string, string>;
  graceMs: number;
  /** The environment process steps start from, taken once per run. */
  inheritedEnv: Readonly<Record<string, string>>;
}

export type AttemptResult =
  | { ok: true; entry: CacheEntry }
  | { ok: false; reason: FailureReason; error: string; durationMs: number; exitCode?: number | null; signal?: string | null; logTail: string[]; remote?: Record<string, unknown> };

const TAIL_LINES = 20;

/**
 * One attempt at one node: a fresh folder under `tmp/`, the node's kind run in-process or as a process on
 * its target, a timeout and the run's cancellation stopping it, then the declared outputs
 * checked, hashed and the folder moved into the cache. Failures come back as values, never thrown.
 * `onProcessExit` is called when a process step's process has exited (not when it was stopped), before
 * its outputs are checked and recorded.
 */
export async function attemptNode(
  env: AttemptEnv, runner: StepRunner, e: ExecNode, plan: { key: string; components: KeyComponents; reasons: RerunReason[] },
  attempt: number, maxAttempts: number, runSignal: AbortSignal, onProcessExit?: () => void,
): Promise<AttemptResult> {
  const started = Date.now();
  // One folder per attempt for its outputs, renamed into the cache when it succeeds. A step that declares
  // no outputs gets the run's scratch folder instead (nothing in it is kept), which spares a DAG of small
  // steps a folder each. Spool files live in the run's spool folder; both go with the run's tmp folder.
  const ownDir = e.outputs.length > 0;
  const outDir = ownDir ? join(env.dirs.ensure(env.tmpRoot), `${e.id}.${attempt}`) : env.dirs.ensure(join(env.tmpRoot, 'scratch'));
  if (ownDir) mkdirSync(outDir);
  const spoolBase = join(env.dirs.ensure(env.spool), `${e.id}.${attempt}`);
  const spool: SpoolFiles = {
    stdout: `${spoolBase}.stdout`, stderr: `${spoolBase}.stderr`, sink: `${spoolBase}.sink.jsonl`, status: `${spoolBase}.status`,
  };
  const tail: string[] = [];
  const lastMetrics: Record<string, number> = {};

  let explanation: string | undefined;
  const logLines = (stream: 'stdout' | 'stderr', lines: string[]) => {
    const masked = lines.map((l) => env.masker.mask(l));
    // A step (or its launcher, like the notebook driver) explains its failure in a last stderr line
    // starting with "mlpipe: "; it becomes the failure's message.
    if (stream === 'stderr') for (const l of masked) if (l.startsWith('mlpipe: ')) explanation = l.slice(8);
    env.recorder.appendLog(e.id, attempt, masked);
    for (const line of masked) env.emit({ type: 'step_log', step: e.id, attempt, stream, line });
    tail.push(...masked);
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
  };
  const metricPoints = (points: MetricPoint[]) => {
    if (!points.length) return;
    for (const pt of points) lastMetrics[pt.key] = pt.value;
    env.emit({ type: 'step_metric', step: e.id, attempt, points });
  };
  const sink = new SinkReader({
    metrics: metricPoints,
    params: (params) => env.emit({ type: 'step_params', step: e.id, params: maskParams(env.masker, params) }),
    artifact: (name, path) => env.emit({ type: 'step_artifact', step: e.id, name, path }),
    // Tags belong to the run (as in MLflow): one index line each, so `runs list` shows them without opening the run.
    tag: (key, value) => appendIndex(env.workspace, { t: 'tag', id: env.runId, key, value: env.masker.mask(value) }),
  });

  const stop = new AttemptStop();
  const unsubscribe = onAbort(runSignal, () => stop.stop('cancelled'));
  const timeoutMs = e.node.kind === 'step' ? e.node.resources.timeoutMs : undefined;
  const timer = timeoutMs ? setTimeout(() => stop.stop('timeout'), timeoutMs) : undefined;

  const inputs = resolveInputs(env, e);
  const ctx: StepContext = {
    runId: env.runId, attempt, exec: e, workspace: env.workspace, baseDir: env.baseDir, pipelineFile: env.file, params: env.params,
    model: env.model, inputs, produced: env.produced, outDir,
    outputPath: (name) => join(outDir, e.outputs.find((o) => o.name === name)?.file ?? name),
    get signal() {
      return stop.signal;
    },
    log: (line) => logLines('stdout', [line]),
    metric: (key, value, step) => metricPoints([{ key, value, step, timestamp: Date.now() }]),
    emit: env.emit, data: env.data, registry: env.registry, inheritedEnv: env.inheritedEnv,
  };
  const startedEvent = (pid?: number) => env.emit({
    type: 'step_started', step: e.id, kind: e.kind, attempt, maxAttempts, target: isProcessKind(e.kind) ? e.target : 'local', host: runner.host,
    key: plan.key, reasons: plan.reasons, why: reasonsText(plan.reasons), pid,
  });

  let remote: (() => Record<string, unknown> | undefined) | undefined;
  try {
    let result: KindResult = {};
    if (isProcessKind(e.kind)) {
      const spec = launchSpec(ctx, spool);
      const step = runner.start(spec, { log: logLines, sink: (lines) => sink.lines(lines) });
      remote = step.lineage?.bind(step);
      startedEvent(await step.pid);
      const outcome = await Promise.race([step.exited, stop.stopped.then(() => 'aborted' as const)]);
      if (outcome === 'aborted') {
        await step.kill(env.graceMs);
        throw abortFailure(stop.reason, timeoutMs);
      }
      onProcessExit?.();
      if (outcome.code !== 0) {
        const how = outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.code}`;
        throw new StepFailure(explanation ? `${explanation} (${how})` : how, outcome.signal ? 'signal' : 'exit', { code: outcome.code, signal: outcome.signal });
      }
    } else {
      startedEvent();
      const fn = IN_PROCESS[e.kind];
      if (!fn) throw new StepFailure(`no way to run a ${e.kind} node`, 'error');
      const aborted = stop.stopped.then((): never => {
        throw abortFailure(stop.reason, timeoutMs);
      });
      result = await Promise.race([fn(ctx), aborted]);
    }
    for (const [k, v] of Object.entries(result.metrics ?? {})) lastMetrics[k] ??= v;
    const outputs = await checkOutputs(env, e, outDir);
    const entry = await env.cache.commit(ownDir ? outDir : undefined, {
      key: plan.key, node: e.id, kind: e.kind, outputs, metrics: lastMetrics, run: env.runId, attempt,
      finishedAt: Date.now(), durationMs: Date.now() - started, extra: result.extra,
    });
    env.emit({
      type: 'step_finished', step: e.id, kind: e.kind, attempt, durationMs: Date.now() - started, key: plan.key, outputs: outputsOf(entry), metrics: lastMetrics,
      ...(remote?.() ? { remote: remote() } : {}),
    });
    return { ok: true, entry };
  } catch (err) {
    const f = classify(err, stop.reason, timeoutMs);
    if (ownDir) rmSync(outDir, { recursive: true, force: true });
    return { ok: false, reason: f.reason, error: env.masker.mask(f.message), durationMs: Date.now() - started, exitCode: f.exit?.code, signal: f.exit?.signal, logTail: tail, remote: remote?.() };
  } finally {
    clearTimeout(timer);
    unsubscribe();
  }
}

type StopReason = 'cancelled' | 'timeout';

/**
 * Why an attempt is being stopped (the run was cancelled, or the attempt's timeout passed), and a promise
 * that settles then. An AbortController (with its listeners) per attempt cost more than starting a no-op
 * step's process; one is made only for an in-process kind that asks for `ctx.signal`.
 */
class AttemptStop {
  reason: StopReason | undefined;
  private controller: AbortController | undefined;
  private wake: (() => void) | undefined;
  private promise: Promise<void> | undefined;

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller?.abort(reason);
    this.wake?.();
  }

  /** Settles once stopped (never otherwise). */
  get stopped(): Promise<void> {
    return (this.promise ??= this.reason ? Promise.resolve() : new Promise((r) => { this.wake = r; }));
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}

/**
 * Calls `fn` when `signal` aborts (at once if it has), through one listener per signal for every attempt
 * of the run; the returned function stops that.
 */
function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let fns = abortFanOut.get(signal);
  if (!fns) {
    const set = new Set<() => void>();
    abortFanOut.set(signal, (fns = set));
    signal.addEventListener('abort', () => { for (const f of [...set]) f(); }, { once: true });
  }
  if (signal.aborted) {
    fn();
    return () => undefined;
  }
  fns.add(fn);
  const own = fns;
  return () => own.delete(fn);
}
const abortFanOut = new WeakMap<AbortSignal, Set<() => void>>();

function resolveInputs(env: AttemptEnv, e: ExecNode): ResolvedInput[] {
  return e.inputs.map((i) => {
    if (i.origin.type === 'exec') {
      const entry = env.results.get(i.origin.node);
      return { ...i, path: i.origin.output ? entry?.output(i.origin.output) : undefined };
    }
    if (i.origin.type === 'source') {
      const p = i.origin.node.path ?? '';
      return { ...i, path: isAbsolute(p) ? p : join(env.baseDir, p) };
    }
    return { ...i };
  });
}

async function checkOutputs(env: AttemptEnv, e: ExecNode, outDir: string): Promise<Record<string, OutputRecord>> {
  const out: Record<string, OutputRecord> = {};
  const missing: string[] = [];
  for (const o of e.outputs) {
    const p = join(outDir, o.file);
    if (!existsSync(p)) {
      missing.push(`'${o.name}' (${o.file})`);
      continue;
    }
    // Hashed without the stamp memory: this temp path is never seen again.
    const { digest, bytes } = await env.hasher.path(p, false);
    out[o.name] = { file: o.file, digest, bytes };
  }
  if (missing.length) {
    throw new StepFailure(`the step did not write its declared output${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: write ${missing.length > 1 ? 'them' : 'it'} to $MLPIPE_OUTPUT_${missing.length === 1 ? '<NAME>' : '...'} (the SDK's output_path)`, 'error');
  }
  return out;
}

function abortFailure(reason: StopReason | undefined, timeoutMs: number | undefined): StepFailure {
  return reason === 'timeout'
    ? new StepFailure(`timed out after ${formatDuration(timeoutMs ?? 0)}`, 'timeout')
    : new StepFailure('cancelled', 'cancelled');
}

function classify(err: unknown, reason: StopReason | undefined, timeoutMs: number | undefined): StepFailure {
  if (reason && !(err instanceof StepFailure && (err.reason === 'timeout' || err.reason === 'cancelled'))) return abortFailure(reason, timeoutMs);
  if (err instanceof StepFailure) return err;
  if (err instanceof DataError) return new StepFailure(err.message, err.code === 'cancelled' ? 'cancelled' : 'error');
  return new StepFailure(err instanceof Error ? err.message : String(err), 'error');
}

function maskParams(masker: Masker, params: Record<string, Scalar>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' ? masker.mask(v) : v;
  return out;
}
