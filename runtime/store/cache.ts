import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { ensureDir, storePaths, type Workspace } from './workspace.js';

/** One file a step wrote, as recorded in its cache entry. */
export interface OutputRecord {
  /** Relative to the entry's `out/` folder, as declared: `model.onnx`. */
  file: string;
  digest: string;
  bytes: number;
}

/**
 * Everything that went into a cache key, kept per part so a later run can say which part changed
 * ("param lr: 0.05 → 0.1", "code steps/train.mjs changed"). Values that might be secrets (env) are
 * stored only as salted hashes.
 */
export interface KeyComponents {
  /** Each field of the node's definition (sql, command, outputs, ...) as a short hash. */
  definition: Record<string, string>;
  /** Param values the node receives. */
  params: Record<string, string | number | boolean>;
  /** Code files the node names (script, notebook, files in a shell command) and their digests. */
  code: Record<string, string>;
  /** Input name → digest of the data (source files, upstream output). */
  inputs: Record<string, string>;
  /** Env variable name → salted hash of its value. */
  env: Record<string, string>;
}

export interface CacheManifest {
  key: string;
  node: string;
  kind: string;
  components: KeyComponents;
  outputs: Record<string, OutputRecord>;
  /** Last value of each metric the node logged. */
  metrics: Record<string, number>;
  /** The run and attempt that produced the entry. */
  run: string;
  attempt: number;
  finishedAt: number;
  durationMs: number;
  /** Kind-specific facts, e.g. the model version a registration created. */
  extra?: Record<string, unknown>;
}

export interface CacheEntry {
  dir: string;
  manifest: CacheManifest;
  /** Absolute path of an output. */
  output(name: string): string;
}

/**
 * Content-addressed step results (like DVC's and ZenML's caches): the folder of a result is named by its
 * cache key, and it exists only once complete, because an attempt works in `tmp/` and is renamed into
 * place with its manifest already inside. Two runs finishing the same key race on that rename; the loser
 * drops its copy and uses the winner's, which is identical by construction.
 */
export class StepCache {
  readonly root: string;

  constructor(ws: Workspace) {
    this.root = storePaths(ws).cache;
  }

  dirOf(key: string): string {
    return join(this.root, key.slice(0, 2), key);
  }

  lookup(key: string): CacheEntry | undefined {
    const dir = this.dirOf(key);
    let manifest: CacheManifest;
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CacheManifest;
    } catch {
      return undefined;
    }
    const entry = entryOf(dir, manifest);
    // Someone deleted an output by hand: treat the entry as gone rather than hand out a missing file.
    for (const name of Object.keys(manifest.outputs)) if (!existsSync(entry.output(name))) return undefined;
    return entry;
  }

  /** Moves a finished attempt folder (with `out/` inside) into the cache under `manifest.key`. */
  commit(attemptDir: string, manifest: CacheManifest): CacheEntry {
    writeFileAtomic(join(attemptDir, 'manifest.json'), JSON.stringify(manifest));
    const dir = this.dirOf(manifest.key);
    ensureDir(dirname(dir));
    try {
      renameSync(attemptDir, dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      const existing = this.lookup(manifest.key);
      if (!existing) {
        // A broken entry (an output deleted by hand) is in the way: replace it.
        rmSync(dir, { recursive: true, force: true });
        renameSync(attemptDir, dir);
        return entryOf(dir, manifest);
      }
      rmSync(attemptDir, { recursive: true, force: true });
      return existing;
    }
    return entryOf(dir, manifest);
  }
}

function entryOf(dir: string, manifest: CacheManifest): CacheEntry {
  return { dir, manifest, output: (name) => join(dir, 'out', manifest.outputs[name]?.file ?? name) };
}
