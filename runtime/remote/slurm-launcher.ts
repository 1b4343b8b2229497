import { setTimeout as delay } from 'node:timers/promises';
import type { Resources } from '../../language-server/model/pipeline-model.js';
import { listPartitions } from './probe.js';
import type { SshConnection } from './ssh-connection.js';
import type { AttemptPaths } from './attempt-layout.js';
import { signalOfStatus, type FinalState, type GpuCapacity, type Launcher, type RemoteHandle } from './launcher.js';
import type { RemoteHost } from './remote-host.js';
import { sq } from './shell.js';
import { parseSacctExit, SLURM_TERMINAL, sbatchOptions, type SlurmTargetOptions } from './slurm-options.js';

const SIGNALS: Record<number, NodeJS.Signals> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 15: 'SIGTERM' };

/**
 * Steps as Slurm batch jobs submitted on the login host. The job runs the same launch.sh (the working
 * directory must be on a file system the compute nodes share, as home and scratch are on clusters), so
 * logs, metrics and the status file come back exactly as on an SSH host. The scheduler has the last word
 * on how a job ended (`sacct`); without accounting, the status file.
 */
export class SlurmLauncher implements Launcher {
  readonly kind = 'slurm' as const;
  readonly shebang = '#!/bin/bash';
  readonly aliveEveryMs = 3000;
  constructor(private readonly target: SlurmTargetOptions, private readonly resourcesOf: (step: string) => Resources = () => ({})) {}

  startCommand(paths: AttemptPaths, step: string): string {
    const opts = sbatchOptions(this.resourcesOf(step), this.target);
    const args = ['--parsable', `--job-name=mlpipe-${step}`, `--chdir=${paths.dir}`, '--output=/dev/null', '--error=/dev/null', ...opts].map(sq).join(' ');
    return `id=$(sbatch ${args} ./launch.sh) || exit $?; echo "$id" > job; echo "job $id"`;
  }

  parseStart(output: string, token: string): RemoteHandle {
    const m = /job (\d+)/.exec(output);
    if (!m) throw new Error(`sbatch did not return a job id: ${output.trim().slice(0, 500)}`);
    return { jobId: m[1], token };
  }

  async alive(host: RemoteHost, handle: RemoteHandle): Promise<boolean> {
    const out = await host.retrying((c) => c.exec(`squeue -h -j ${sq(handle.jobId ?? '')} -o %T 2>/dev/null`));
    const state = out.stdout.trim();
    return state !== '' && !SLURM_TERMINAL.test(state);
  }

  async final(host: RemoteHost, handle: RemoteHandle, statusCode: number | undefined): Promise<FinalState> {
    // Accounting may lag the job's end by a few seconds: ask until it reports a final state.
    const deadline = Date.now() + 15_000;
    for (let pause = 200; ; pause = Math.min(2000, pause * 2)) {
      const r = await host.retrying((c) => c.exec(`sacct -n -P -X -j ${sq(handle.jobId ?? '')} -o State,ExitCode 2>&1`));
      const line = r.stdout.trim().split('\n')[0] ?? '';
      const [state, exit] = line.split('|');
      if (r.code !== 0 || /not enabled|error|Slurm accounting storage is disabled/i.test(r.stdout)) break; // no accounting
      if (state && SLURM_TERMINAL.test(state)) {
        const e = parseSacctExit(exit ?? '');
        const word = state.split(' ')[0];
        if (word === 'CANCELLED') return { code: null, signal: 'SIGTERM', state: word };
        if (word === 'TIMEOUT') return { code: null, signal: 'SIGTERM', state: word };
        if (e && e.signal) return { code: null, signal: SIGNALS[e.signal] ?? 'SIGKILL', state: word };
        // The script's own exit is the step's; sacct's would be the same unless the script died first.
        return { code: statusCode ?? e?.code ?? null, signal: null, state: word };
      }
      if (Date.now() > deadline) break;
      await delay(pause);
    }
    if (statusCode !== undefined) return { code: statusCode, signal: signalOfStatus(statusCode), state: 'status file (no accounting)' };
    return { code: null, signal: 'SIGKILL', state: 'ended without a status file, and sacct gave no final state' };
  }

  async gpuCapacity(c: SshConnection): Promise<GpuCapacity> {
    // The target's own gres replaces the step's gpus: nothing to compare.
    if (this.target.gres) return { count: Infinity, detail: `the target's gres ${this.target.gres}` };
    const parts = await listPartitions(c);
    const mine = this.target.partition ? parts.filter((p) => p.name === this.target.partition) : parts.filter((p) => p.isDefault);
    const best = Math.max(0, ...mine.map((p) => p.gpusPerNode));
    return { count: best, detail: `sinfo: ${mine.map((p) => `partition ${p.name} ${p.gres || 'no gres'}`).join('; ') || 'no such partition'}` };
  }

  async kill(host: RemoteHost, handle: RemoteHandle, _paths: AttemptPaths, graceMs: number): Promise<void> {
    const id = sq(handle.jobId ?? '');
    // scancel sends SIGTERM to the job's steps, then SIGKILL after the cluster's KillWait.
    await host.retrying((c) => c.run(`scancel ${id}`));
    const deadline = Date.now() + Math.max(graceMs, 5000) + 60_000;
    for (let pause = 100; Date.now() < deadline; pause = Math.min(1000, pause * 2)) {
      if (!(await this.alive(host, handle))) return;
      await delay(pause);
    }
    await host.retrying((c) => c.run(`scancel --signal=KILL --full ${id}`));
  }
}
