import { execFile } from 'node:child_process';

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
  const [head, status] = await Promise.all([
    git(dir, ['rev-parse', 'HEAD']),
    // Untracked files are not "dirty": the store itself and generated data are usually untracked.
    git(dir, ['status', '--porcelain', '--untracked-files=no']),
  ]);
  if (!head) return undefined;
  return { commit: head.trim(), dirty: (status ?? '').trim().length > 0 };
}
