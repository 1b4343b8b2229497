import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { findByTokenPrefix, isGroupLeader, killTree } from '../exec/process-tree.js';
import type { Workspace } from '../store/workspace.js';
import { appendIndex, readIndex } from './run-index.js';
import { findRun } from './runs.js';

/**
 * Cancels a run from outside (`mlpipe runs cancel ID`). A live run gets SIGTERM, so its own runtime
 * cancels cleanly and records it. A run whose runtime is gone (killed, crashed) may still have detached
 * step processes: they are found by their token and their trees ended, and the run is marked cancelled.
 */
export async function cancelRun(ws: Workspace, ref: string, graceMs = 5000): Promise<{ id: string; was: string; killed: number }> {
  const run = findRun(ws, ref);
  // A pid means nothing on another machine (the store may be a shared folder): never signal one here.
  if (run.status === 'running' && run.host !== hostname()) {
    throw new CancelElsewhere(`run ${run.id} is driven by process ${run.pid} on ${run.host}, not on this machine (${hostname()}): cancel it there`);
  }
  if (run.status === 'running') {
    try {
      process.kill(run.pid, 'SIGTERM');
    } catch {
      // It ended meanwhile.
    }
    const deadline = Date.now() + graceMs + 10_000;
    while (Date.now() < deadline) {
      if (readIndex(ws).find((r) => r.id === run.id)?.status !== 'running') return { id: run.id, was: 'running', killed: 0 };
      await delay(50);
    }
  }
  if (run.status !== 'running' && run.status !== 'interrupted') return { id: run.id, was: run.status, killed: 0 };
  // Every process carrying one of the run's step tokens; each token's tree (group, descendants, carriers)
  // is ended once, from its session leader when that is among them.
  const orphans = findByTokenPrefix(`${run.id}/`);
  const trees = new Map<string, { pid: number; token?: string }>();
  for (const o of orphans) {
    const seen = trees.get(o.token!);
    if (!seen || isGroupLeader(o.pid)) trees.set(o.token!, o);
  }
  await Promise.all([...trees.values()].map((t) => killTree(t, graceMs)));
  appendIndex(ws, { t: 'cancel', id: run.id, ts: Date.now() });
  return { id: run.id, was: run.status, killed: orphans.length };
}

/** The run is being driven from another machine. */
export class CancelElsewhere extends Error {}
