import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_ID } from '../tracking/run-id.js';

const DAY = 86_400_000;

/**
 * Removes the folders of runs that a killed runtime left behind under `root` (spool files in memory,
 * attempts in `.mlpipe/tmp/`), once they are a day old and their run is not running: until then a step
 * of that run may still be writing, and `attach` may want them. Only folders named like a run id count.
 */
export function sweepRunFolders(root: string, isRunning: (runId: string) => boolean, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names) {
    if (!RUN_ID.test(n)) continue;
    const p = join(root, n);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st && now - st.mtimeMs > DAY && !isRunning(n)) rmSync(p, { recursive: true, force: true });
  }
}
