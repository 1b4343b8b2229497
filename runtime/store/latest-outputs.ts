import { readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DirMemo, Workspace } from './workspace.js';

/**
 * `.mlpipe/outputs/<pipeline>/<node>` → the output folder of that node's latest result in the cache: a
 * stable path for people and scripts (`mlpipe score ... .mlpipe/outputs/churn/holdout/holdout.parquet`).
 * Relative, so it survives the workspace being moved; left alone when it already points there (a cached
 * rerun touches nothing). A failure here never fails a run.
 */
export function linkLatestOutputs(ws: Workspace, dirs: DirMemo, pipeline: string, node: string, entryDir: string): void {
  try {
    const dir = dirs.ensure(join(ws.store, 'outputs', pipeline));
    const link = join(dir, node);
    const target = relative(dir, entryDir);
    let current: string | undefined;
    try {
      current = readlinkSync(link);
    } catch {
      current = undefined;
    }
    if (current === target) return;
    if (current !== undefined) rmSync(link, { force: true });
    symlinkSync(target, link);
  } catch {
    // A file system without symlinks, or another run moving the same link: the outputs are still in the
    // cache and in the run's events.
  }
}
