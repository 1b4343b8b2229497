import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { gitInfo } from '../../../runtime/tracking/git.js';

// A run's lineage records the commit and whether tracked files differ; outside a repository git is not
// asked at all, so these check that the shortcut never hides a repository above the pipeline's folder.

const root = mkdtempSync(join(tmpdir(), 'mlpipe-git-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8' }).trim();

test('outside a repository there is no git lineage', async () => {
  const plain = join(root, 'plain');
  mkdirSync(plain);
  expect(await gitInfo(plain)).toBeUndefined();
});

test('a repository is found from a folder below its top; dirty means a tracked file differs', async () => {
  const repo = join(root, 'repo');
  mkdirSync(join(repo, 'pipelines', 'deep'), { recursive: true });
  git(repo, 'init', '-q');
  writeFileSync(join(repo, 'pipelines', 'p.mlpipe'), 'pipeline p {}\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'first');
  const head = git(repo, 'rev-parse', 'HEAD');
  expect(await gitInfo(join(repo, 'pipelines', 'deep'))).toEqual({ commit: head, dirty: false });
  // Untracked files do not count.
  writeFileSync(join(repo, 'pipelines', 'new.txt'), 'x');
  expect(await gitInfo(join(repo, 'pipelines'))).toEqual({ commit: head, dirty: false });
  writeFileSync(join(repo, 'pipelines', 'p.mlpipe'), 'pipeline q {}\n');
  expect(await gitInfo(join(repo, 'pipelines'))).toEqual({ commit: head, dirty: true });
});
