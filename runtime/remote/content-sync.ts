import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../store/atomic.js';
import { isFile } from '../store/fs-queries.js';
import type { FileHasher } from '../store/hashing.js';
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

function walk(root: string, dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(root, join(dir, e.name), out);
    } else if (e.isFile()) {
      out.push(relative(root, join(dir, e.name)).split(sep).join('/'));
    }
  }
}

/**
 * A file as the sync sends it: content hash from the runtime's FileHasher (remembered by size, mtime and
 * inode, so an unchanged file is hashed once), size and executable bit.
 */
export async function syncFile(hasher: FileHasher, path: string): Promise<SyncFile> {
  const st = statSync(path);
  return { local: path, size: st.size, hash: await hasher.file(path, true, st), mode: st.mode & 0o111 ? 0o755 : 0o644 };
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
    writeFileAtomic(this.file, [...this.hashes].join('\n'));
    this.dirty = false;
  }
}
