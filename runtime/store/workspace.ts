import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The workspace a run belongs to and its `.mlpipe/` store. Every path the runtime writes is derived here,
 * so the layout is written down once (docs/runtime.md, "Tracking store").
 */
export interface Workspace {
  /** The folder that owns the store: what VS Code opens as the workspace folder. */
  root: string;
  /** `<root>/.mlpipe`. */
  store: string;
}

/**
 * Finds the workspace for a start folder: an explicit folder wins, then MLPIPE_WORKSPACE, then the nearest
 * ancestor that already has a `.mlpipe/` store or is a git repository's top (what an editor would open),
 * else the start folder itself. The CLI and the extension therefore share one store for one repository.
 */
export function findWorkspace(startDir: string, explicit?: string): Workspace {
  const chosen = explicit ?? process.env.MLPIPE_WORKSPACE;
  if (chosen) return workspaceAt(resolve(chosen));
  let dir = resolve(startDir);
  for (;;) {
    if (existsSync(join(dir, '.mlpipe')) || existsSync(join(dir, '.git'))) return workspaceAt(dir);
    const up = dirname(dir);
    if (up === dir) return workspaceAt(resolve(startDir));
    dir = up;
  }
}

export function workspaceAt(root: string): Workspace {
  return { root, store: join(root, '.mlpipe') };
}

/** The store's folders. Created on demand by the writers; readers tolerate their absence. */
export const storePaths = (ws: Workspace) => ({
  /** Content-addressed step results: `cache/<k[0..2]>/<key>/{manifest.json,out/}`. */
  cache: join(ws.store, 'cache'),
  /** Attempts in progress: `tmp/<run>/<step>.<attempt>/`; moved into `cache/` when they succeed. */
  tmp: join(ws.store, 'tmp'),
  /** `runs/index.jsonl` (one line per run start/end/tag) and `runs/<id>/` (events, logs, metric sinks). */
  runs: join(ws.store, 'runs'),
  runIndex: join(ws.store, 'runs', 'index.jsonl'),
  registry: join(ws.store, 'registry'),
  /** Small rewritable caches: file hashes, last key components per node (for "why it reran"). */
  state: join(ws.store, 'state'),
});

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

/**
 * mkdir -p with a memory, for one run: the runtime asks for the same few folders for every step, and on a
 * busy disk each mkdir costs a fraction of a millisecond. Owned by a run (never global), so a folder
 * deleted between runs is simply created again.
 */
export class DirMemo {
  private readonly made = new Set<string>();

  ensure(path: string): string {
    if (!this.made.has(path)) {
      mkdirSync(path, { recursive: true });
      this.made.add(path);
    }
    return path;
  }
}
