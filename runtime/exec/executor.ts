import { hostname } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import type { PipelineModel, Scalar } from '../../language-server/model/pipeline-model.js';
import { Registry } from '../registry/registry.js';
import { StepCache, type CacheEntry } from '../store/cache.js';
import { FileHasher, sha256 } from '../store/hashing.js';
import { linkLatestOutputs } from '../store/latest-outputs.js';
import { removeSpool, spoolDir, spoolRoot } from '../store/spool.js';
import { sweepRunFolders } from '../store/run-folders.js';
import { waitWhileCacheGc } from './cache-gc.js';
import { readIndex } from '../tracking/run-index.js';
import { DirMemo, storePaths, type Workspace } from '../store/workspace.js';
import { gitInfo } from '../tracking/git.js';
import { RunRecorder } from '../tracking/recorder.js';
import { newRunId } from '../tracking/run-id.js';
import { assess, type AssessContext, type Assessment } from './assess.js';
import { attemptNode, type AttemptEnv } from './attempt.js';
import {
  EVENT_STREAM_VERSION, reasonsText, type PlannedNode, type RunEvent, type RunEventInput, type RunFinishedEvent,
} from './events.js';
import { Fingerprints, workspaceSalt } from './fingerprints.js';
import { buildGraph, type ExecGraph, type ExecNode } from './graph.js';
import { Masker } from './masking.js';
import { NodeState } from './node-state.js';
import { applyParams } from './params.js';
import { processStartTime } from './process-tree.js';
import { RunData } from './run-data.js';
import { select, type SelectionOptions } from './selection.js';
import { Scheduler, type Outcome } from './scheduler.js';
import { Targets } from './targets.js';
import { mapProp } from './props.js';
import { outputsOf } from './outputs.js';
import { inheritedEnv } from './kinds/process.js';

export interface RunOptions extends SelectionOptions {
  /** The .mlpipe file (absolute). */
  file: string;
  /** Its validated model. */
  model: PipelineModel;
  workspace: Workspace;
  /** `--param` overrides. */
  params?: Record<string, string | Scalar>;
  /** Steps at once on this machine (default: cores). */
  parallel?: number;
  /** Run every step on this machine, whatever its target says. */
  local?: boolean;
  /** First retry delay; doubles per attempt up to `retryMaxMs` (defaults 1 s and 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Time between TERM and KILL when a step is cancelled or times out (default 5 s). */
  graceMs?: number;
  /** How often running steps' logs and metrics are read (default 100 ms). */
  pollMs?: number;
  signal?: AbortSignal;
  parent?: string;
  /**
   * `mlpipe attach`: a run whose remote steps were left running (its CLI was killed). Steps on ssh/slurm
   * targets that attempt the same work are followed where they are instead of being started again.
   */
  adopt?: string;
  /** `run`, `train`, ... recorded in the run index. */
  command?: string;
  onEvent?: (e: RunEvent) => void;
}

export interface RunResult {
  runId: string;
  status: RunFinishedEvent['status'];
  counts: RunFinishedEvent['counts'];
  failed: string[];
  /** Results by node: fresh or from the cache. */
  results: Map<string, CacheEntry>;
}

/** Everything a run and a plan share: the graph, the selection, and how keys and cache hits are decided. */
class Prepared {
  readonly graph: ExecGraph;
  readonly params: Record<string, Scalar>;
  readonly model: PipelineModel;
  readonly baseDir: string;
  readonly hasher: FileHasher;
  readonly fingerprints: Fingerprints;
  readonly cache: StepCache;
  readonly state: NodeState;
  readonly registry: Registry;
  readonly salt: string;
  readonly selected: Set<string>;
  readonly forced: Set<string>;
  readonly results = new Map<string, CacheEntry>();
  /**
   * Nodes the plan found in the cache, with that assessment. A run takes them as decided: every input of
   * such a node was itself a cache hit of the plan, so assessing it again (hashing its definition,
   * computing its key) could only give the same answer.
   */
  readonly plannedCached = new Map<string, Extract<Assessment, { state: 'cached' }>>();

  constructor(readonly opts: RunOptions) {
    const applied = applyParams(opts.model, opts.params ?? {});
    this.model = applied.model;
    this.params = applied.params;
    this.graph = buildGraph(this.model);
    this.baseDir = dirname(opts.file);
    const paths = storePaths(opts.workspace);
    this.hasher = new FileHasher(join(paths.state, 'file-hashes.json'));
    this.fingerprints = new Fingerprints(this.graph, this.baseDir, this.hasher, (node, output) => {
      const m = this.results.get(node)?.manifest;
      return output === '' ? m?.key : m?.outputs[output]?.digest;
    });
    this.cache = new StepCache(opts.workspace);
    this.state = new NodeState(opts.workspace, opts.file);
    this.registry = new Registry(opts.workspace);
    this.salt = workspaceSalt(paths.state);
    const s = select(this.graph, opts);
    this.selected = s.selected;
    this.forced = s.forced;
  }

  assessContext(): AssessContext {
    return {
      graph: this.graph, baseDir: this.baseDir, params: this.params, hasher: this.hasher, fingerprints: this.fingerprints, salt: this.salt,
      cache: this.cache, state: this.state, registry: this.registry, forced: this.forced, known: (n) => this.results.has(n),
    };
  }

  /** What would run and why, node by node in order; cached results count as known for what follows. */
  async plan(targets: Targets): Promise<PlannedNode[]> {
    const out: PlannedNode[] = [];
    this.plannedCached.clear(); // planned again after a cache gc: what was cached may be gone
    const ctx = this.assessContext();
    for (const id of this.graph.order) {
      if (!this.selected.has(id)) continue;
      const e = this.graph.nodes.get(id)!;
      const a = await assess(e, ctx);
      const base = { step: id, kind: e.kind, deps: e.deps, target: targets.nameFor(e) };
      if (a.state === 'cached') {
        this.results.set(id, a.entry);
        this.plannedCached.set(id, a);
        out.push({ ...base, action: 'cached', reasons: [], why: `unchanged since run ${a.entry.manifest.run}`, key: a.key });
      } else if (a.state === 'run') {
        out.push({ ...base, action: 'run', reasons: a.reasons, why: reasonsText(a.reasons), key: a.key });
      } else {
        out.push({ ...base, action: 'pending', reasons: a.reasons, why: reasonsText(a.reasons) });
      }
    }
    // Results are recorded as the run reaches each node (a cache hit is taken from `plannedCached`
    // then); everything else is decided again once its upstream has run.
    this.results.clear();
    return out;
  }
}

/** `mlpipe plan`: what a run would do and why, without running or recording anything. */
export async function planPipeline(opts: RunOptions): Promise<PlannedNode[]> {
  const p = new Prepared(opts);
  const targets = new Targets(p.model, opts);
  try {
    targets.check([...p.selected].map((id) => p.graph.nodes.get(id)!));
    return await p.plan(targets);
  } finally {
    p.hasher.save();
    p.cache.close();
  }
}

/**
 * Runs a pipeline: plans it, then executes the selected nodes as their inputs become ready, independent
 * ones in parallel within each target's slots, each with retries, timeout and cancellation. Every step of
 * the way is an event (see events.ts), recorded in the store and passed to `onEvent`.
 */
export async function runPipeline(opts: RunOptions): Promise<RunResult> {
  const p = new Prepared(opts);
  const targets = new Targets(p.model, opts);
  targets.check([...p.selected].map((id) => p.graph.nodes.get(id)!));
  const runId = newRunId();
  const started = Date.now();
  const ws = opts.workspace;
  const [git, planned] = await Promise.all([gitInfo(ws.root), p.plan(targets)]);
  let plan = planned;
  const lineage = { pipelineDigest: sha256(readFileSync(opts.file)), sources: await p.fingerprints.knownSources() };
  const recorder = new RunRecorder(ws, runId, {
    t: 'start', id: runId, pipeline: p.model.name, file: relative(ws.root, opts.file), started, host: hostname(), pid: process.pid,
    pidStart: processStartTime(process.pid), params: p.params, git, parent: opts.parent, command: opts.command ?? 'run',
  });
  // Recorded as running first, then checked: a `cache gc` that started before this run's line may be
  // removing results the plan reuses, so the run waits for it and plans again (cache-gc.ts).
  if (await waitWhileCacheGc(ws, opts.signal)) plan = await p.plan(targets);
  // What runs killed before cleaning up left behind: spool files in memory, attempts in the store.
  let running: Set<string> | undefined;
  const isRunning = (id: string) => (running ??= new Set(readIndex(ws).filter((r) => r.status === 'running').map((r) => r.id))).has(id);
  sweepRunFolders(spoolRoot(ws), isRunning);
  sweepRunFolders(storePaths(ws).tmp, isRunning);
  const emit = (e: RunEventInput) => {
    const full = { ...e, runId, ts: Date.now() } as RunEvent;
    recorder.record(full);
    opts.onEvent?.(full);
  };
  const masker = new Masker([process.env, ...[...p.graph.nodes.values()].map((n) => (n.node.kind === 'step' ? mapProp(n.node, 'env', p.params) : {}))]);
  const data = new RunData([ws.root, p.baseDir], p.baseDir);
  const tmpRoot = join(storePaths(ws).tmp, runId);
  const spool = spoolDir(ws, runId);
  const dirs = new DirMemo();
  emit({
    type: 'run_started', v: EVENT_STREAM_VERSION, pipeline: p.model.name, file: opts.file, workspace: ws.root, params: p.params, nodes: plan,
    parent: opts.parent, git, lineage, host: hostname(), pid: process.pid,
  });

  const counts = { ran: 0, cached: 0, failed: 0, skipped: 0 };
  const failed: string[] = [];
  const metrics: Record<string, number> = {};
  const produced = new Map<string, string>();
  const env: AttemptEnv = {
    runId, workspace: ws, file: opts.file, baseDir: p.baseDir, params: p.params, model: p.model, tmpRoot, dirs, spool, data, registry: p.registry,
    cache: p.cache, hasher: p.hasher, masker, emit, recorder, results: p.results, produced, graceMs: opts.graceMs ?? 5000,
    inheritedEnv: inheritedEnv(),
  };
  const assessCtx = p.assessContext();
  const runSignal = opts.signal ?? new AbortController().signal;

  const finishNode = (id: string, entry: CacheEntry, how: 'done' | 'cached') => {
    p.results.set(id, entry);
    const first = Object.keys(entry.manifest.outputs)[0];
    if (first) produced.set(id, entry.output(first));
    for (const [k, v] of Object.entries(entry.manifest.metrics)) metrics[`${id}.${k}`] = v;
    counts[how === 'done' ? 'ran' : 'cached']++;
    // Nodes without outputs have nothing to point at (and a DAG of them should not pay for links).
    if (first) linkLatestOutputs(ws, dirs, p.model.name, id, entry.dir);
  };

  const execute = async (e: ExecNode, release: () => void): Promise<Outcome> => {
    const a = p.plannedCached.get(e.id) ?? await assess(e, assessCtx);
    if (a.state === 'pending') throw new Error(`internal: ${e.id} started before its inputs were known`);
    if (a.state === 'cached') {
      p.state.set(e.id, { key: a.key, components: a.components, run: a.entry.manifest.run });
      finishNode(e.id, a.entry, 'cached');
      emit({
        type: 'step_cached', step: e.id, kind: e.kind, key: a.key, producedBy: a.entry.manifest.run,
        why: `unchanged since run ${a.entry.manifest.run}`, outputs: outputsOf(a.entry), metrics: a.entry.manifest.metrics,
      });
      return 'cached';
    }
    const maxAttempts = e.node.kind === 'step' ? e.node.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      // The last attempt frees its slots once its process has exited; an earlier one may need them again.
      const r = await attemptNode(
        env, targets.runnerFor(e), e, { key: a.key, components: a.components, reasons: a.reasons }, attempt, maxAttempts, runSignal,
        attempt === maxAttempts ? release : undefined,
      );
      if (r.ok) {
        p.state.set(e.id, { key: a.key, components: a.components, run: runId });
        finishNode(e.id, r.entry, 'done');
        return 'done';
      }
      const retry = attempt < maxAttempts && r.reason !== 'cancelled' && r.reason !== 'gate' && !runSignal.aborted;
      if (!retry) {
        emit({
          type: 'step_failed', step: e.id, kind: e.kind, attempt, durationMs: r.durationMs, reason: r.reason, error: r.error,
          exitCode: r.exitCode, signal: r.signal, logTail: r.logTail, ...(r.remote ? { remote: r.remote } : {}),
        });
        counts.failed++;
        failed.push(e.id);
        return 'failed';
      }
      const delayMs = Math.min(opts.retryMaxMs ?? 30_000, (opts.retryBaseMs ?? 1000) * 2 ** (attempt - 1));
      emit({ type: 'step_retry', step: e.id, attempt, nextAttempt: attempt + 1, delayMs, error: r.error });
      await sleep(delayMs, runSignal);
    }
  };

  try {
    const skip = (id: string, why: string) => {
      counts.skipped++;
      emit({ type: 'step_skipped', step: id, why });
    };
    const guarded = (e: ExecNode, release: () => void): Promise<Outcome> => execute(e, release).catch((err: unknown) => {
      // A bug or an I/O error outside a step attempt: the node fails, the run goes on.
      emit({ type: 'step_failed', step: e.id, kind: e.kind, attempt: 1, durationMs: 0, reason: 'error', error: masker.mask(String((err as Error)?.message ?? err)) });
      counts.failed++;
      failed.push(e.id);
      return 'failed';
    });
    await new Scheduler(p.graph, p.selected, targets, guarded, skip, runSignal).run();

    const runStatus: RunFinishedEvent['status'] = runSignal.aborted ? 'cancelled' : failed.length ? 'failed' : 'succeeded';
    const durationMs = Date.now() - started;
    emit({ type: 'run_finished', status: runStatus, durationMs, counts, failed });
    recorder.finish({ t: 'end', id: runId, status: runStatus, ended: Date.now(), durationMs, counts, metrics });
    return { runId, status: runStatus, counts, failed, results: p.results };
  } finally {
    p.hasher.save();
    p.state.close();
    p.cache.close();
    targets.dispose();
    await data.close();
    rmSync(tmpRoot, { recursive: true, force: true });
    removeSpool(spool);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
