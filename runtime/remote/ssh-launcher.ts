import type { AttemptPaths } from './attempt-layout.js';
import type { FinalState, GpuCapacity, Launcher, RemoteHandle } from './launcher.js';
import { listGpus } from './probe.js';
import type { SshConnection } from './ssh-connection.js';
import type { RemoteHost } from './remote-host.js';
import { sftpStat } from './sftp-io.js';
import { sq } from './shell.js';

/**
 * Steps on a plain SSH host: launch.sh runs under `setsid` (its own session and process group, no
 * terminal), with stdin, stdout and stderr away from the SSH channel, so the command that started it
 * returns at once and a dropped connection sends it no SIGHUP.
 */
export class SshLauncher implements Launcher {
  readonly kind = 'ssh' as const;
  readonly shebang = '#!/bin/sh';
  readonly aliveEveryMs = 2000;

  startCommand(): string {
    // bash when the host has it, so a setup line may use `source`; `$!` is the session leader's pid.
    return 'sh_=$(command -v bash || echo /bin/sh); setsid "$sh_" ./launch.sh </dev/null >/dev/null 2>&1 & echo "pid $!"';
  }

  parseStart(output: string, token: string): RemoteHandle {
    const m = /pid (\d+)/.exec(output);
    if (!m) throw new Error(`the remote host did not start the step: ${output.trim().slice(0, 500)}`);
    return { pid: Number(m[1]), token };
  }

  async alive(host: RemoteHost, handle: RemoteHandle): Promise<boolean> {
    return host.retrying(async (c) => {
      const sftp = await c.sftp();
      // /proc/PID through SFTP: no process started on the remote for the check.
      if (await sftpStat(sftp, '/proc/self')) return (await sftpStat(sftp, `/proc/${handle.pid}`)) !== undefined;
      const r = await c.exec(`kill -0 ${handle.pid} 2>/dev/null`);
      return r.code === 0;
    });
  }

  async final(_host: RemoteHost, _handle: RemoteHandle, statusCode: number | undefined): Promise<FinalState> {
    if (statusCode === undefined) return { code: null, signal: 'SIGKILL', state: 'the step\'s process ended without writing its exit status (killed, or the host restarted)' };
    return { code: statusCode, signal: null };
  }

  async gpuCapacity(c: SshConnection): Promise<GpuCapacity> {
    const gpus = await listGpus(c);
    return { count: gpus.length, detail: gpus.length ? `nvidia-smi: ${gpus.map((g) => g.name).join(', ')}` : 'nvidia-smi finds none' };
  }

  async kill(host: RemoteHost, handle: RemoteHandle, _paths: AttemptPaths, graceMs: number): Promise<void> {
    await host.retrying((c) => c.run(`sh -c ${sq(killScript(handle.pid ?? 0, handle.token, graceMs))}`));
  }
}

/**
 * TERM to the step's process group and to every process carrying its token (children that started their
 * own session or were re-parented), KILL to what is left after the grace period; returns when none is left.
 */
export function killScript(pid: number, token: string, graceMs: number): string {
  const tenths = Math.max(1, Math.ceil(graceMs / 100));
  return `
pg=${pid}; tok=${sq(`MLPIPE_STEP_TOKEN=${token}`)}
carriers() { grep -lzx "$tok" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vx "$$"; }
sig() { [ "$pg" -gt 1 ] && kill -s "$1" -- "-$pg" 2>/dev/null; for p in $(carriers); do kill -s "$1" "$p" 2>/dev/null; done; }
left() { { [ "$pg" -gt 1 ] && kill -0 -- "-$pg" 2>/dev/null; } || [ -n "$(carriers)" ]; }
sig TERM
i=0; while left && [ $i -lt ${tenths} ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done
i=0; while left && [ $i -lt 50 ]; do sig KILL; sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done
! left`;
}
