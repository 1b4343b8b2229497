import { existsSync, readdirSync, rmdirSync, rmSync, statfsSync, unlinkSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { sha256 } from './hashing.js';
import { storePaths, type Workspace } from './workspace.js';

const MIN_FREE = 1 << 30;

/**
 * Where a run's spool files go (steps' stdout/stderr as they write them, SDK sinks, exit-status files):
 * memory (/dev/shm) when the machine has it with at least 1 GiB free, else the run's folder in the store.
 * They are transient (the runtime copies logs into the run's log files as they grow and removes the
 * spool when the run ends) and every step creates several of them: on a busy disk each create is a
 * journaled metadata write, which dominated the time of short steps. MLPIPE_SPOOL_DIR chooses the folder.
 * The path is derived from the workspace and run id, so a runtime reattaching to a run finds it again.
 */
export function spoolDir(ws: Workspace, runId: string): string {
  return join(spoolRoot(ws), runId);
}

export function spoolRoot(ws: Workspace): string {
  const base = process.env.MLPIPE_SPOOL_DIR ?? (memoryFree('/dev/shm') ? join('/dev/shm', `mlpipe-${uid()}`) : undefined);
  if (!base) return join(storePaths(ws).tmp, 'spool');
  return join(base, sha256(ws.root).slice(0, 12));
}

function memoryFree(dir: string): boolean {
  try {
    if (!existsSync(dir)) return false;
    const s = statfsSync(dir);
    return s.bavail * s.bsize >= MIN_FREE;
  } catch {
    return false;
  }
}

function uid(): string {
  try {
    return String(userInfo().uid);
  } catch {
    return 'user';
  }
}

/**
 * Removes a run's spool folder when the run ends. It is flat (a few files per step attempt), so one unlink
 * per file does: rmSync's recursive walk lstat's every entry first, a third of the cost for a run of a
 * thousand steps. Anything unexpected (a folder inside, a file already gone) falls back to rmSync.
 */
export function removeSpool(dir: string): void {
  try {
    for (const name of readdirSync(dir)) unlinkSync(join(dir, name));
    rmdirSync(dir);
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}

