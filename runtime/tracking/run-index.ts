import type { Scalar } from '../../language-server/model/pipeline-model.js';
import { appendJsonLine, readJsonl } from '../store/jsonl.js';
import { storePaths, type Workspace } from '../store/workspace.js';
import { stillRunning } from '../exec/process-tree.js';
import { hostname } from 'node:os';

/**
 * `.mlpipe/runs/index.jsonl`: one short line when a run starts and one when it ends (plus tags and
 * cancellations), appended by whichever process does it. Listing runs reads this one file; the full story
 * of a run is in its own folder. A run with a start line and no end line is running if its process is
 * still alive (same pid and start time), otherwise it was interrupted (kill -9, power cut).
 */
export type IndexLine =
  | {
    t: 'start'; id: string; pipeline: string; file: string; started: number; host: string; pid: number; pidStart?: number;
    params: Record<string, Scalar>; git?: { commit: string; dirty: boolean }; parent?: string; command: string;
  }
  | { t: 'end'; id: string; status: 'succeeded' | 'failed' | 'cancelled'; ended: number; durationMs: number; counts: Record<string, number>; metrics: Record<string, number> }
  | { t: 'tag'; id: string; key: string; value: string }
  | { t: 'cancel'; id: string; ts: number };

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface RunSummary {
  id: string;
  pipeline: string;
  file: string;
  status: RunStatus;
  started: number;
  ended?: number;
  durationMs?: number;
  params: Record<string, Scalar>;
  /** Final metric values, named `step.metric`. */
  metrics: Record<string, number>;
  tags: Record<string, string>;
  counts?: Record<string, number>;
  git?: { commit: string; dirty: boolean };
  parent?: string;
  host: string;
  pid: number;
  pidStart?: number;
  command: string;
}

export function appendIndex(ws: Workspace, line: IndexLine): void {
  appendJsonLine(storePaths(ws).runIndex, line);
}

/** Every run, newest first. */
export function readIndex(ws: Workspace): RunSummary[] {
  const runs = new Map<string, RunSummary>();
  const cancelled = new Set<string>();
  const here = hostname();
  for (const l of readJsonl<IndexLine>(storePaths(ws).runIndex).values) {
    if (l.t === 'start') {
      runs.set(l.id, {
        id: l.id, pipeline: l.pipeline, file: l.file, status: 'running', started: l.started, params: l.params, metrics: {}, tags: {},
        git: l.git, parent: l.parent, host: l.host, pid: l.pid, pidStart: l.pidStart, command: l.command,
      });
    } else {
      const r = runs.get(l.id);
      if (!r) continue;
      if (l.t === 'end') {
        r.status = l.status;
        r.ended = l.ended;
        r.durationMs = l.durationMs;
        r.counts = l.counts;
        r.metrics = l.metrics;
      } else if (l.t === 'tag') r.tags[l.key] = l.value;
      else if (l.t === 'cancel') cancelled.add(l.id);
    }
  }
  for (const r of runs.values()) {
    if (r.status !== 'running') continue;
    if (cancelled.has(r.id)) r.status = 'cancelled';
    // A run on another machine (a shared folder) cannot be checked from here: it stays "running".
    else if (r.host === here && !stillRunning(r.pid, r.pidStart)) r.status = 'interrupted';
  }
  // Newest first by start time; ids only have whole seconds (and a random tail), so runs started in the
  // same second keep the order their start lines were appended in, latest first.
  return [...runs.values()].reverse().sort((a, b) => b.started - a.started);
}
