import { closeSync, lstatSync, openSync, readFileSync, readlinkSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { CacheManifest } from '../store/cache.js';
import { entriesOf } from '../store/fs-queries.js';
import { parseJsonl } from '../store/jsonl.js';
import { ensureDir, storePaths, type Workspace } from '../store/workspace.js';
import { readIndex } from '../tracking/run-index.js';
import { latestKeys } from './node-state.js';
import { processStartTime, stillRunning } from './process-tree.js';

/** One result in the cache: its key, what produced it (when its index line says), its size on disk. */
export interface CachedResult {
  key: string;
  node?: string;
  run?: string;
  /** Bytes only this result holds: files also linked elsewhere (the model registry) are not counted. */
  bytes: number;
}

export interface CacheReport {
  /** Results no node has as its latest: what `gc` removes. */
  unused: CachedResult[];
  kept: { results: number; bytes: number };
}

export interface GcResult extends CacheReport {
  dryRun: boolean;
}

/** `cache gc` cannot go ahead now; the message says why and what to do. */
export class CacheBusy extends Error {}

const LOCK = 'gc.lock';
const HALF_WRITTEN_MS = 5000;

/**
 * What `mlpipe cache gc` would remove: results that are no node's latest (the result the next run would
 * reuse, recorded per pipeline file in `state/nodes/`, which `.mlpipe/outputs/` links to). Like
 * `dvc gc --workspace`: earlier results of changed steps go; what the workspace uses now stays.
 */
export function cacheReport(ws: Workspace): CacheReport {
  const root = storePaths(ws).cache;
  const keep = latestKeys(ws);
  for (const key of linkedKeys(ws)) keep.add(key);
  const made = manifests(root);
  const report: CacheReport = { unused: [], kept: { results: 0, bytes: 0 } };
  for (const shard of entriesOf(root)) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const key of entriesOf(join(root, shard))) {
      const bytes = ownBytes(join(root, shard, key));
      if (keep.has(key)) {
        report.kept.results++;
        report.kept.bytes += bytes;
      } else {
        const m = made.get(key);
        report.unused.push({ key, ...(m ? { node: m.node, run: m.run } : {}), bytes });
      }
    }
  }
  return report;
}

/**
 * Removes the results `cacheReport` calls unused. Never while a run of this workspace is going (it may
 * be reading a result it planned to reuse), and a run that starts meanwhile waits for the end of it
 * (`waitWhileCacheGc`). The index keeps the removed results' lines: a result whose files are gone
 * counts as missing, and rewriting the index under runs that hold it open would hide their lines.
 */
export function collectGarbage(ws: Workspace, { dryRun = false } = {}): GcResult {
  const lock = takeLock(ws);
  try {
    // After the lock: a run that started before it is in the index now, one that starts later waits.
    const running = readIndex(ws).filter((r) => r.status === 'running');
    if (running.length) {
      throw new CacheBusy(`run ${running.map((r) => r.id).join(', ')} is going on in this workspace and may be using cached results; run cache gc when it has ended`);
    }
    const report = cacheReport(ws);
    if (!dryRun) {
      const root = storePaths(ws).cache;
      for (const r of report.unused) rmSync(join(root, r.key.slice(0, 2), r.key), { recursive: true, force: true });
    }
    return { ...report, dryRun };
  } finally {
    unlinkSync(lock);
  }
}

/** Resolves once no `cache gc` holds this workspace's cache; true if one did (the caller plans again). */
export async function waitWhileCacheGc(ws: Workspace, signal?: AbortSignal): Promise<boolean> {
  let waited = false;
  while (lockHolder(join(storePaths(ws).cache, LOCK)) && !signal?.aborted) {
    waited = true;
    // The lock is a file another process removes; nothing signals its removal.
    await new Promise((r) => setTimeout(r, 50));
  }
  return waited;
}

interface LockOwner {
  pid: number;
  pidStart?: number;
  host: string;
}

/** Creates the lock file, replacing one whose process is gone (a gc that was killed). */
function takeLock(ws: Workspace): string {
  const file = join(ensureDir(storePaths(ws).cache), LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      const owner: LockOwner = { pid: process.pid, pidStart: processStartTime(process.pid), host: hostname() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = lockHolder(file);
      if (holder) throw new CacheBusy(holder.pid ? `another cache gc (pid ${holder.pid} on ${holder.host}) is going on in this workspace` : 'another cache gc is starting in this workspace');
      rmSync(file, { force: true });
    }
  }
  throw new CacheBusy('another cache gc keeps starting in this workspace');
}

/** The live process holding the lock, if any. A lock from another machine counts as held. */
function lockHolder(file: string): LockOwner | undefined {
  let owner: LockOwner;
  try {
    owner = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Half-written: its gc is between creating and writing it, so held, unless it has been so for
    // seconds (that gc was killed in between).
    const changed = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    return changed !== undefined && Date.now() - changed < HALF_WRITTEN_MS ? { pid: 0, host: 'unknown' } : undefined;
  }
  if (owner.host !== hostname()) return owner;
  return stillRunning(owner.pid, owner.pidStart) ? owner : undefined;
}

/** Keys the `.mlpipe/outputs/<pipeline>/<node>` links point at. */
function linkedKeys(ws: Workspace): string[] {
  const outputs = join(ws.store, 'outputs');
  const keys: string[] = [];
  for (const pipeline of entriesOf(outputs)) {
    for (const node of entriesOf(join(outputs, pipeline))) {
      try {
        keys.push(basename(resolve(join(outputs, pipeline), readlinkSync(join(outputs, pipeline, node)))));
      } catch {
        // Not a link.
      }
    }
  }
  return keys;
}

/** Each key's manifest from the index, for naming what a result was. */
function manifests(root: string): Map<string, CacheManifest> {
  const out = new Map<string, CacheManifest>();
  try {
    for (const m of parseJsonl<CacheManifest>(readFileSync(join(root, 'index.jsonl'), 'utf8')).values) if (m?.key) out.set(m.key, m);
  } catch {
    // No index yet.
  }
  return out;
}

/** Bytes of the files under `path` that nothing else links to. */
function ownBytes(path: string): number {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.nlink > 1 ? 0 : st.size;
  let total = 0;
  for (const name of entriesOf(path)) total += ownBytes(join(path, name));
  return total;
}
