import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The clone's root: scripts run from a bundle under node_modules/.cache, so walk up to our package.json. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'mlpipe') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the mlpipe package root');
    dir = up;
  }
}

export const repoRoot = findRoot();
export const samplesDir = join(repoRoot, 'samples');
export const artifactsDir = join(repoRoot, 'artifacts');

/**
 * Downloaded tools live outside the clone, keyed by version: CI makes a fresh clone each run on the same
 * machine, so a cache in the clone would be reinstalled every time (≈150 s for code-server).
 */
export const toolsCache = process.env.MLPIPE_TOOLS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mlpipe');
