import { existsSync } from 'node:fs';
import type { Scalar } from '../../language-server/model/pipeline-model.js';
import type { ExecKind, MetricPoint, OutputInfo, RunEvent, RunStartedEvent } from '../exec/events.js';
import { readJsonl } from '../store/jsonl.js';
import type { Workspace } from '../store/workspace.js';
import { eventsFile, logFile } from './recorder.js';
import { readIndex, type RunSummary } from './run-index.js';

export class RunNotFound extends Error {}

export type NodeRunStatus = 'planned' | 'running' | 'succeeded' | 'cached' | 'failed' | 'skipped';

export interface NodeRun {
  step: string;
  kind?: ExecKind;
  status: NodeRunStatus;
  why?: string;
  attempts: number;
  durationMs?: number;
  error?: string;
  outputs: Record<string, OutputInfo>;
  /** Final value of each metric. */
  metrics: Record<string, number>;
  /** The run a cached result came from. */
  producedBy?: string;
  logs: string[];
}

export interface RunDetail extends RunSummary {
  nodes: NodeRun[];
  /** Params logged by steps through the SDK, as `step.key`. */
  loggedParams: Record<string, Scalar>;
  /** Every point of every metric, as `step.key` → points in logging order. */
  history: Record<string, MetricPoint[]>;
  artifacts: { step: string; name: string; path: string }[];
  models: { step: string; model: string; version: number; aliases: string[] }[];
  lineage?: RunStartedEvent['lineage'];
  /** Lines of the run log that could not be read (at most the last one, after a crash). */
  tornLines: number;
}

export function listRuns(ws: Workspace, opts: { limit?: number; pipeline?: string } = {}): RunSummary[] {
  let runs = readIndex(ws);
  if (opts.pipeline) runs = runs.filter((r) => r.pipeline === opts.pipeline || r.file === opts.pipeline);
  return opts.limit ? runs.slice(0, opts.limit) : runs;
}

/** A run by id, unique id prefix, or `latest`. */
export function findRun(ws: Workspace, ref: string): RunSummary {
  const runs = readIndex(ws);
  if (ref === 'latest' || ref === 'last') {
    if (!runs.length) throw new RunNotFound('no runs yet in this workspace');
    return runs[0];
  }
  const exact = runs.find((r) => r.id === ref);
  if (exact) return exact;
  const prefixed = runs.filter((r) => r.id.startsWith(ref));
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1) throw new RunNotFound(`'${ref}' matches ${prefixed.length} runs: ${prefixed.slice(0, 5).map((r) => r.id).join(', ')}${prefixed.length > 5 ? ', ...' : ''}`);
  throw new RunNotFound(`no run '${ref}' in ${ws.root}${runs.length ? ` (latest: ${runs[0].id})` : ''}`);
}

/** Everything recorded about one run, folded from its event log. */
export function showRun(ws: Workspace, ref: string): RunDetail {
  const summary = findRun(ws, ref);
  const { values: events, skipped } = readJsonl<RunEvent>(eventsFile(ws, summary.id));
  const nodes = new Map<string, NodeRun>();
  const node = (step: string): NodeRun => {
    let n = nodes.get(step);
    if (!n) nodes.set(step, (n = { step, status: 'planned', attempts: 0, outputs: {}, metrics: {}, logs: [] }));
    return n;
  };
  const detail: RunDetail = { ...summary, nodes: [], loggedParams: {}, history: {}, artifacts: [], models: [], tornLines: skipped };
  for (const e of events) {
    switch (e.type) {
      case 'run_started':
        detail.lineage = e.lineage;
        for (const p of e.nodes) Object.assign(node(p.step), { kind: p.kind, why: p.why });
        break;
      case 'step_started': {
        const n = node(e.step);
        Object.assign(n, { status: 'running', kind: e.kind, why: e.why, attempts: e.attempt });
        const log = logFile(ws, summary.id, e.step, e.attempt);
        if (!n.logs.includes(log)) n.logs.push(log);
        break;
      }
      case 'step_cached':
        Object.assign(node(e.step), { status: 'cached', kind: e.kind, why: e.why, outputs: e.outputs, metrics: e.metrics, producedBy: e.producedBy });
        break;
      case 'step_finished':
        Object.assign(node(e.step), { status: 'succeeded', durationMs: e.durationMs, outputs: e.outputs, metrics: e.metrics });
        break;
      case 'step_failed':
        Object.assign(node(e.step), { status: 'failed', durationMs: e.durationMs, error: e.error });
        break;
      case 'step_skipped':
        Object.assign(node(e.step), { status: 'skipped', why: e.why });
        break;
      case 'step_metric':
        for (const p of e.points) {
          const key = `${e.step}.${p.key}`;
          (detail.history[key] ??= []).push(p);
          node(e.step).metrics[p.key] = p.value;
        }
        break;
      case 'step_params':
        for (const [k, v] of Object.entries(e.params)) detail.loggedParams[`${e.step}.${k}`] = v;
        break;
      case 'step_artifact':
        detail.artifacts.push({ step: e.step, name: e.name, path: e.path });
        break;
      case 'model_registered':
        detail.models.push({ step: e.step, model: e.model, version: e.version, aliases: e.aliases });
        break;
      default:
        break;
    }
  }
  // A run that died leaves steps "running" in its log: they did not finish.
  if (summary.status === 'interrupted' || summary.status === 'cancelled') {
    for (const n of nodes.values()) if (n.status === 'running' || n.status === 'planned') n.status = 'skipped';
  }
  detail.nodes = [...nodes.values()];
  for (const n of detail.nodes) n.logs = n.logs.filter((l) => existsSync(l));
  // Metrics of a run still going (or interrupted) come from the events, not the end line.
  if (!Object.keys(detail.metrics).length) {
    for (const n of detail.nodes) for (const [k, v] of Object.entries(n.metrics)) detail.metrics[`${n.step}.${k}`] = v;
  }
  return detail;
}

export interface RunComparison {
  runs: { id: string; status: string; started: number; pipeline: string }[];
  /** name → value per run (null where a run lacks it), pipeline params and logged params. */
  params: Record<string, (Scalar | null)[]>;
  metrics: Record<string, (number | null)[]>;
  /** Names whose values differ between the runs. */
  differs: { params: string[]; metrics: string[] };
  /** Metric histories per run, for curves side by side. */
  history: Record<string, MetricPoint[]>[];
}

export function compareRuns(ws: Workspace, refs: string[]): RunComparison {
  const details = refs.map((r) => showRun(ws, r));
  const params: Record<string, (Scalar | null)[]> = {};
  const metrics: Record<string, (number | null)[]> = {};
  details.forEach((d, i) => {
    for (const [k, v] of Object.entries({ ...d.params, ...d.loggedParams })) (params[k] ??= details.map(() => null))[i] = v;
    for (const [k, v] of Object.entries(d.metrics)) (metrics[k] ??= details.map(() => null))[i] = v;
  });
  const differs = (m: Record<string, unknown[]>) => Object.keys(m).filter((k) => new Set(m[k].map((v) => JSON.stringify(v))).size > 1).sort();
  return {
    runs: details.map((d) => ({ id: d.id, status: d.status, started: d.started, pipeline: d.pipeline })),
    params, metrics, differs: { params: differs(params), metrics: differs(metrics) }, history: details.map((d) => d.history),
  };
}
