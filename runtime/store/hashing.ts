import * as crypto from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from './atomic.js';

const { createHash } = crypto;
/**
 * Node's one-shot `crypto.hash` (20.12 and later): a cached rerun of 1,000 steps hashes thousands of short
 * strings, and `createHash` builds a stream object (a Transform) for each.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

export function sha256(data: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

/**
 * A stable JSON text (keys sorted) so that equal values always hash alike: exactly the text of
 * `JSON.stringify(value, replacer)` with a replacer that rebuilds every object with its keys sorted (the
 * definition; test/unit/runtime/hashing.test.ts checks the two agree). Built directly: a replacer is
 * called back for every value, primitives included, and copies every object, which made key hashing a
 * tenth of the runtime's own CPU per step.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, '') as string;
}

/**
 * The text of one value, or undefined where JSON.stringify leaves it out (undefined, functions, symbols).
 * As JSON.stringify does: an own JSON form (`toJSON(key)`, e.g. Date) first, then the value it gives.
 */
function canonical(value: unknown, key: string): string | undefined {
  let v = value;
  if (((typeof v === 'object' && v !== null) || typeof v === 'bigint') && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: (k: string) => unknown }).toJSON(key);
  }
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += `${i ? ',' : ''}${canonical(v[i], String(i)) ?? 'null'}`;
    return `${out}]`;
  }
  const o = v as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const k of sortedKeys(o)) {
    const text = canonical(o[k], k);
    if (text === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${text}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * The order the definition yields: keys sorted by code unit, then laid out as an object lays out its
 * keys, array indices first in numeric order (ECMAScript's OrdinaryOwnPropertyKeys).
 */
function sortedKeys(o: Record<string, unknown>): string[] {
  const keys = Object.keys(o);
  if (keys.length < 2) return keys;
  const indices: string[] = [];
  const names: string[] = [];
  for (const k of keys) (isArrayIndex(k) ? indices : names).push(k);
  // Object.keys already gives the indices in numeric order.
  names.sort();
  return indices.length ? [...indices, ...names] : names;
}

/** A canonical numeric string below 2³²−1 (an array index). */
function isArrayIndex(k: string): boolean {
  const c = k.charCodeAt(0);
  if (c < 48 || c > 57 || (c === 48 && k.length > 1) || k.length > 10) return false;
  for (let i = 1; i < k.length; i++) {
    const d = k.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return Number(k) < 4294967295;
}

export const hashValue = (value: unknown): string => sha256(canonicalJson(value));

interface Stamp {
  size: number;
  mtimeMs: number;
  ino: number;
  digest: string;
}

/**
 * Content hashes of files, remembered by (path, size, mtime, inode) like DVC's state database, so an
 * unchanged data file is hashed once and not on every run. The memory is a small JSON file rewritten
 * atomically at the end of a run; two runs writing it at once only lose each other's entries, which are
 * then hashed again.
 */
export class FileHasher {
  private readonly stamps = new Map<string, Stamp>();
  private dirty = false;

  constructor(private readonly memoryFile?: string) {
    if (!memoryFile) return;
    try {
      const saved = JSON.parse(readFileSync(memoryFile, 'utf8')) as Record<string, Stamp>;
      for (const [k, v] of Object.entries(saved)) this.stamps.set(k, v);
    } catch {
      // Missing or unreadable: start empty (it is only a cache).
    }
  }

  /** `remember` false: hash without keeping the stamp (a temp path that will not be seen again). */
  async file(path: string, remember = true, st: Stats = statSync(path)): Promise<string> {
    if (!remember) return hashFile(path);
    const known = this.stamps.get(path);
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino) return known.digest;
    const digest = await hashFile(path);
    this.stamps.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, digest });
    this.dirty = true;
    return digest;
  }

  /** A file's digest, or for a folder the digest of its files' relative paths and digests. */
  async path(path: string, remember = true): Promise<{ digest: string; bytes: number }> {
    const st = statSync(path);
    if (!st.isDirectory()) return { digest: await this.file(path, remember), bytes: st.size };
    const entries: [string, string][] = [];
    let bytes = 0;
    for (const f of walk(path)) {
      entries.push([relative(path, f), await this.file(f, remember)]);
      bytes += statSync(f).size;
    }
    return { digest: hashValue(entries), bytes };
  }

  save(): void {
    if (!this.memoryFile || !this.dirty) return;
    // Bounded: a workspace with churning files must not grow this forever.
    const entries = [...this.stamps].slice(-20_000);
    writeFileAtomic(this.memoryFile, JSON.stringify(Object.fromEntries(entries)));
    this.dirty = false;
  }
}

function hashFile(path: string): Promise<string> {
  const st = statSync(path);
  // Small files (most code and configs) in one read; big data files streamed.
  if (st.size < 1 << 20) return Promise.resolve(sha256(readFileSync(path)));
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (c) => h.update(c)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}
