import { renameSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureDir, type Workspace } from './workspace.js';

/**
 * `.mlpipe/outputs/<pipeline>/<node>` → the output folder of that node's latest result in the cache: a
 * stable path for people and scripts (`mlpipe score ... .mlpipe/outputs/churn/holdout/holdout.parquet`).
 * Replaced atomically (a new link renamed over the old one); a failure here never fails a run.
 */
export function linkLatestOutputs(ws: Workspace, pipeline: string, node: string, entryDir: string): void {
  try {
    const dir = ensureDir(join(ws.store, 'outputs', pipeline));
    const link = join(dir, node);
    const tmp = `${link}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    // Relative, so the link survives the workspace being moved or mounted elsewhere.
    symlinkSync(relative(dir, join(entryDir, 'out')), tmp);
    renameSync(tmp, link);
  } catch {
    // A file system without symlinks: the outputs are still in the cache and in the run's events.
  }
}
