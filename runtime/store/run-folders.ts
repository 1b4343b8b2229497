import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_ID } from '../tracking/run-id.js';
import { entriesOf } from './fs-queries.js';

export const DAY_MS = 86_400_000;

/**
 * Removes the folders in `root` that `leftBehind` picks (by name and path): what processes killed before
 * they could clean up left. A folder this user may not remove, or one gone meanwhile, is skipped.
 */
export function removeLeftBehind(root: string, leftBehind: (name: string, path: string) => boolean): void {
  for (const name of entriesOf(root)) {
    const path = join(root, name);
    try {
      if (leftBehind(name, path)) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another user's folder, or gone already.
    }
  }
}

/** Whether `path` was last changed more than `ms` before `now`. */
export function olderThan(path: string, ms: number, now: number): boolean {
  return now - statSync(path).mtimeMs > ms;
}

/**
 * Removes the folders of runs that a killed runtime left behind under `root` (spool files in memory,
 * attempts in `.mlpipe/tmp/`), once they are a day old and their run is not running: until then a step
 * of that run may still be writing, and `attach` may want them. Only folders named like a run id count.
 */
export function sweepRunFolders(root: string, isRunning: (runId: string) => boolean, now = Date.now()): void {
  removeLeftBehind(root, (name, path) => RUN_ID.test(name) && olderThan(path, DAY_MS, now) && !isRunning(name));
}
