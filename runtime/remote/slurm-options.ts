import type { Resources } from '../../language-server/model/pipeline-model.js';

/** What a `target NAME: slurm` adds to every job. */
export interface SlurmTargetOptions {
  partition?: string;
  account?: string;
  qos?: string;
  /** e.g. `gpu:a100:1`; replaces the step's `gpus`. */
  gres?: string;
}

/**
 * A step's resources as sbatch options: gpus → `--gres=gpu:N` (unless the target names its own gres),
 * cpus → `--cpus-per-task`, memory → `--mem` (in MiB, rounded up), timeout → `--time` (minutes, rounded
 * up, so Slurm's limit is never shorter than the step's), plus the target's partition, account and qos.
 */
export function sbatchOptions(resources: Resources, target: SlurmTargetOptions): string[] {
  const out: string[] = [];
  if (target.partition) out.push(`--partition=${target.partition}`);
  if (target.account) out.push(`--account=${target.account}`);
  if (target.qos) out.push(`--qos=${target.qos}`);
  if (target.gres) out.push(`--gres=${target.gres}`);
  else if (resources.gpus) out.push(`--gres=gpu:${resources.gpus}`);
  if (resources.cpus) out.push(`--cpus-per-task=${resources.cpus}`);
  if (resources.memoryBytes) out.push(`--mem=${Math.ceil(resources.memoryBytes / (1024 * 1024))}M`);
  if (resources.timeoutMs) out.push(`--time=${Math.max(1, Math.ceil(resources.timeoutMs / 60_000))}`);
  return out;
}

/** GPUs a gres string asks for: `gpu:2` → 2, `gpu:a100:1` → 1, `gpu` → 1, anything else → 0. */
export function gpusInGres(gres: string): number {
  let total = 0;
  for (const part of gres.split(',')) {
    const f = part.trim().split(':');
    if (f[0] !== 'gpu') continue;
    const last = f[f.length - 1];
    total += f.length > 1 && /^\d+$/.test(last) ? Number(last) : 1;
  }
  return total;
}

/** `sacct` ExitCode `3:0` (code:signal) → parts. */
export function parseSacctExit(text: string): { code: number; signal: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  return m ? { code: Number(m[1]), signal: Number(m[2]) } : undefined;
}

/** Job states after which nothing more happens. */
export const SLURM_TERMINAL = /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|REVOKED)/;
