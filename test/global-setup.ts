import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Protocol and CLI tests run the bundles in dist/: rebuild them so tests never see stale code.
 * Runs' spool files go to one folder for the whole test run, removed at the end: the tests' workspaces
 * are temporary, so the runtime's own sweep (per workspace, after a day) would never find the spool of
 * a run a test killed on purpose.
 */
export default function setup(): () => void {
  execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
  const spool = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'mlpipe-test-spool-'));
  process.env.MLPIPE_SPOOL_DIR = spool;
  return () => rmSync(spool, { recursive: true, force: true });
}
