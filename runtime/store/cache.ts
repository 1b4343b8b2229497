import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parseJsonl } from './jsonl.js';
import { DirMemo, storePaths, type Workspace } from './workspace.js';

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
  /** The folder holding the outputs (absent for a node that declares none). */
  dir: string;
  manifest: CacheManifest;
  /** Absolute path of an output. */
  output(name: string): string;
}

/**
 * Content-addressed step results (like DVC's and ZenML's caches): `cache/<k[0..2]>/<key>/` holds a
 * result's outputs and `cache/index.jsonl` one line per result (its manifest). An attempt works in
 * `tmp/`; when it succeeds its output folder is renamed into place and only then is the line appended,
 * so a result counts (lookup finds it) only once complete; a folder without a line (a crash between the
 * two) is replaced by the next run that produces that key. A node without outputs costs one line and no
 * folder. Two runs finishing the same key race on the rename; the loser drops its copy and uses the
 * winner's, which is equivalent by construction. The index is read once per run and its tail again
 * whenever a key is missing, so results of runs going on at the same time are seen.
 */
export class StepCache {
  readonly root: string;
  readonly index: string;
  private readonly dirs = new DirMemo();
  private readonly entries = new Map<string, CacheManifest>();
  /** Lines this process appended and has not read back yet (see `refresh`). */
  private readonly written = new Map<string, { line: string; manifest: CacheManifest }>();
  private offset = 0;
  private partial = '';
  /** Keeps a character cut by the end of a read for the next one. */
  private readonly decoder = new StringDecoder('utf8');
  private fd: number | undefined;
  private readFd: number | undefined;

  constructor(ws: Workspace) {
    this.root = storePaths(ws).cache;
    this.index = join(this.root, 'index.jsonl');
  }

  dirOf(key: string): string {
    return join(this.root, key.slice(0, 2), key);
  }

  /**
   * Reads what other writers appended since the last read. The index stays open for reading once it
   * exists (it is only ever appended to), so a miss costs one read when nothing was appended: a run of
   * a thousand new steps misses a thousand times.
   */
  private refresh(): void {
    if (this.readFd === undefined) {
      try {
        this.readFd = openSync(this.index, 'r');
      } catch {
        return;
      }
    }
    // Read until a short read, without an fstat first: when nothing was appended (the usual miss) that is
    // one pread returning 0.
    let text = this.partial;
    let n: number;
    const buf = readBuffer();
    do {
      n = readSync(this.readFd, buf, 0, buf.length, this.offset);
      this.offset += n;
      text += this.decoder.write(buf.subarray(0, n));
    } while (n === buf.length);
    if (text === this.partial) return;
    const cut = text.lastIndexOf('\n');
    this.partial = text.slice(cut + 1);
    for (let start = 0; start < cut;) {
      const end = text.indexOf('\n', start);
      const line = text.slice(start, end);
      start = end + 1;
      // This process's own lines come back here too (a miss reads whatever was appended since the last
      // one, and a run of new steps misses on every step): one it wrote is taken as it was written, not
      // parsed again. Manifests are written key first.
      if (line.startsWith('{"key":"')) {
        const key = line.slice(8, line.indexOf('"', 8));
        const mine = this.written.get(key);
        if (mine?.line === line) {
          this.written.delete(key);
          this.entries.set(key, mine.manifest);
          continue;
        }
      }
      const m = parseJsonl<CacheManifest>(line).values[0];
      if (m?.key) this.entries.set(m.key, m);
    }
  }

  lookup(key: string): CacheEntry | undefined {
    if (!this.entries.has(key)) this.refresh();
    const manifest = this.entries.get(key);
    if (!manifest) return undefined;
    const entry = entryOf(this.dirOf(key), manifest);
    // Someone deleted an output by hand: treat the entry as gone rather than hand out a missing file.
    for (const name of Object.keys(manifest.outputs)) if (!existsSync(entry.output(name))) return undefined;
    return entry;
  }

  /** Moves a finished attempt's output folder (if it has outputs) into the cache and records the entry. */
  async commit(outDir: string | undefined, manifest: CacheManifest): Promise<CacheEntry> {
    const dir = this.dirOf(manifest.key);
    if (outDir && Object.keys(manifest.outputs).length) {
      this.dirs.ensure(dirname(dir));
      try {
        renameSync(outDir, dir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
        // Another run got there first and is about to record it (or crashed before it could).
        for (let waited = 0; waited < 2000; waited += 20) {
          const existing = this.lookup(manifest.key);
          if (existing) {
            rmSync(outDir, { recursive: true, force: true });
            return existing;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        rmSync(dir, { recursive: true, force: true });
        renameSync(outDir, dir);
      }
    } else if (outDir) {
      rmSync(outDir, { recursive: true, force: true });
    }
    if (this.fd === undefined) {
      this.dirs.ensure(this.root);
      this.fd = openSync(this.index, 'a');
    }
    const line = JSON.stringify(manifest);
    writeSync(this.fd, `${line}\n`);
    this.entries.set(manifest.key, manifest);
    this.written.set(manifest.key, { line, manifest });
    return entryOf(dir, manifest);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.readFd !== undefined) closeSync(this.readFd);
    this.fd = undefined;
    this.readFd = undefined;
  }
}

/** One read buffer for every cache: reads are synchronous and decoded before the next one. */
let shared: Buffer | undefined;
const readBuffer = (): Buffer => (shared ??= Buffer.allocUnsafe(1 << 16));

function entryOf(dir: string, manifest: CacheManifest): CacheEntry {
  return { dir, manifest, output: (name) => join(dir, manifest.outputs[name]?.file ?? name) };
}
