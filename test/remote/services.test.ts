// The test services themselves: a real sshd and a real one-node Slurm, checked with the system's own
// `ssh` and Slurm commands (independent of MLPipe's SSH layer), and torn down without leftovers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { processesWithEnv } from '../services/proc-tree.js';
import { startSlurm } from '../services/slurm.js';
import { startSshd, type SshServer } from '../services/sshd.js';
import { waitFor } from '../services/wait.js';

const run = promisify(execFile);

function ssh(s: SshServer, key: string, command: string) {
  return run('ssh', ['-p', String(s.port), '-i', key, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${s.knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes', `${s.user}@${s.host}`, command], { encoding: 'utf8' });
}

describe('test services', () => {
  it('sshd accepts the client key only, drops every connection and comes back on the same port', async () => {
    const s = await startSshd();
    try {
      expect((await ssh(s, s.clientKey, 'echo ok')).stdout.trim()).toBe('ok');
      await expect(ssh(s, s.otherKey, 'echo ok')).rejects.toThrow(/Permission denied/);
      await s.drop();
      await expect(ssh(s, s.clientKey, 'echo ok')).rejects.toThrow(/refused/);
      await s.restart();
      expect((await ssh(s, s.clientKey, 'echo ok')).stdout.trim()).toBe('ok');
    } finally {
      await s.stop();
    }
  });

  it('Slurm runs a job that sacct reports with its exit code, and stops without leftovers', async () => {
    const c = await startSlurm();
    const env = { ...process.env, ...c.env };
    try {
      const { stdout: sinfo } = await run('sinfo', ['-h', '-o', '%P %G %T'], { env });
      expect(sinfo.trim()).toBe(`${c.partition}* gpu:${c.gpus} idle`);
      const { stdout: id } = await run('sbatch', ['--parsable', '--gres=gpu:1', '-o', '/dev/null', '--wrap', 'exit 3'], { env });
      const state = await waitFor('sacct to report the job', async () => {
        const { stdout } = await run('sacct', ['-n', '-P', '-X', '-j', id.trim(), '-o', 'State,ExitCode'], { env });
        return /^(FAILED|COMPLETED)/.test(stdout.trim()) && stdout.trim();
      }, 30_000);
      expect(state).toBe('FAILED|3:0');
    } finally {
      await c.stop();
    }
    expect(processesWithEnv(`SLURM_CONF=${c.conf}`)).toEqual([]);
  });
});
