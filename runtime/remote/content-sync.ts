import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync, type Stats } from 'node:fs';
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

/**
 * Content hashes remembered by (size, mtime, inode) for the life of the runtime, so a run that sends the
 * same tree for several steps hashes each file once.
 */
export class ContentHasher {
  private readonly memory = new Map<string, { size: number; mtimeMs: number; ino: number; hash: string }>();

  async file(path: string, st: Stats = statSync(path)): Promise<SyncFile> {
    const known = this.memory.get(path);
    const mode = st.mode & 0o111 ? 0o755 : 0o644;
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino) return { local: path, size: st.size, hash: known.hash, mode };
    const hash = await hashFile(path, st.size);
    this.memory.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash });
    return { local: path, size: st.size, hash, mode };
  }
}

async function hashFile(path: string, size: number): Promise<string> {
  const h = createHash('sha256');
  if (size < 1 << 20) {
    const { readFile } = await import('node:fs/promises');
    return h.update(await readFile(path)).digest('hex');
  }
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
