import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface GitInfo {
  commit: string;
  dirty: boolean;
}

function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd: dir, timeout: 5000, maxBuffer: 16 << 20 }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

/** The commit checked out in `dir` and whether tracked files differ from it; undefined outside git. */
export async function gitInfo(dir: string): Promise<GitInfo | undefined> {
  // Outside a repository there is nothing to ask: starting git twice from a large process costs more
  // than a cached rerun of a small pipeline.
  if (!insideGit(dir)) return undefined;
  const [head, status] = await Promise.all([
    git(dir, ['rev-parse', 'HEAD']),
    // Untracked files are not "dirty": the store itself and generated data are usually untracked.
    git(dir, ['status', '--porcelain', '--untracked-files=no']),
  ]);
  if (!head) return undefined;
  return { commit: head.trim(), dirty: (status ?? '').trim().length > 0 };
}

/** Whether git could find a repository from `dir`: a `.git` here or above, or one named by GIT_DIR. */
function insideGit(dir: string): boolean {
  if (process.env.GIT_DIR) return true;
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}
