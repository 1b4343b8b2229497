import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import type { SshConnection } from './ssh-connection.js';
import { sq } from './shell.js';

const run = promisify(execFile);

/** A local file to be present on the remote host under its content hash. */
export interface SyncFile {
  local: string;
  size: number;
  /** sha256 of the content, hex. */
  hash: string;
  mode: number;
}

/** Folders never sent as code: stores, dependencies, virtual environments, VCS metadata. */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', '.mlpipe', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache', '.ipynb_checkpoints']);

/**
 * The code files of a folder, relative to it: what git would commit (tracked plus untracked files not
 * ignored) when the folder is in a git work tree, else every file outside the folders above. Data the
 * step reads comes separately, as inputs, so ignored data folders are not sent twice.
 */
export async function listCodeFiles(root: string): Promise<string[]> {
  try {
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'], { cwd: root, maxBuffer: 256 << 20 });
    return stdout.split('\0').filter((f) => f && !f.split('/').some((part) => SKIP_DIRS.has(part))).filter((f) => isFile(join(root, f)));
  } catch {
    const out: string[] = [];
    walk(root, root, out);
    return out.sort();
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // deleted but still in the index
  }
}

function walk(root: string, dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(root, join(dir, e.name), out);
    } else if (e.isFile()) {
      out.push(relative(root, join(dir, e.name)).split(sep).join('/'));
    }
  }
}

interface Stamp {
  size: number;
  mtimeMs: number;
  ino: number;
  hash: string;
}

/**
 * Content hashes remembered by (size, mtime, inode), like DVC's state database, so an unchanged file is
 * hashed once: within a run that sends one tree for several steps, and across runs when given a memory
 * file (saved by `save()`; a lost or stale memory only costs hashing again).
 */
export class ContentHasher {
  private readonly memory = new Map<string, Stamp>();
  private dirty = false;

  constructor(private readonly memoryFile?: string) {
    if (!memoryFile) return;
    try {
      for (const [k, v] of Object.entries(JSON.parse(readFileSync(memoryFile, 'utf8')) as Record<string, Stamp>)) this.memory.set(k, v);
    } catch {
      // None yet, or unreadable: start empty.
    }
  }

  save(): void {
    if (!this.memoryFile || !this.dirty) return;
    writeAtomic(this.memoryFile, JSON.stringify(Object.fromEntries(this.memory)));
    this.dirty = false;
  }

  async file(path: string, st: Stats = statSync(path)): Promise<SyncFile> {
    const known = this.memory.get(path);
    const mode = st.mode & 0o111 ? 0o755 : 0o644;
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino) return { local: path, size: st.size, hash: known.hash, mode };
    const hash = await hashFile(path, st.size);
    this.memory.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash });
    this.dirty = true;
    return { local: path, size: st.size, hash, mode };
  }
}

async function hashFile(path: string, size: number): Promise<string> {
  const h = createHash('sha256');
  // Small files (most code) are read at once: a stream costs more than the read itself.
  if (size < 1 << 20) return h.update(readFileSync(path)).digest('hex');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Which of these objects the remote store lacks: one round trip, shell built-ins only on the remote. */
export async function missingObjects(conn: SshConnection, objectsDir: string, hashes: Iterable<string>): Promise<Set<string>> {
  const list = [...new Set(hashes)];
  if (!list.length) return new Set();
  const out = await conn.run(`mkdir -p ${sq(objectsDir)} && cd ${sq(objectsDir)} && while read -r h; do [ -e "$h" ] || echo "$h"; done`, { stdin: `${list.join('\n')}\n` });
  return new Set(out.split('\n').filter(Boolean));
}

/**
 * The objects a remote store is known to have, per host and working directory, remembered in the local
 * store between runs so a sync does not have to ask first. Only ever a hint: `sendAndStart` falls back to
 * asking when a link to a remembered object fails.
 */
export class KnownObjects {
  private readonly hashes = new Set<string>();
  private dirty = false;

  constructor(private readonly file?: string) {
    if (!file) return;
    try {
      for (const h of readFileSync(file, 'utf8').split('\n')) if (h) this.hashes.add(h);
    } catch {
      // Nothing remembered yet.
    }
  }

  get size(): number {
    return this.hashes.size;
  }

  has(hash: string): boolean {
    return this.hashes.has(hash);
  }

  add(hashes: Iterable<string>): void {
    for (const h of hashes) {
      if (this.hashes.has(h)) continue;
      this.hashes.add(h);
      this.dirty = true;
    }
  }

  clear(): void {
    this.hashes.clear();
    this.dirty = true;
  }

  save(): void {
    if (!this.file || !this.dirty) return;
    writeAtomic(this.file, [...this.hashes].join('\n'));
    this.dirty = false;
  }
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
