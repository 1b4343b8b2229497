import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Runs the real `mlpipe` executable, as CI would. */
export function mlpipe(args: string[], cwd = process.cwd()): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [resolve('bin/mlpipe.cjs'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
