import type { RemoteHost } from './remote-host.js';
import type { SshConnection } from './ssh-connection.js';
import type { AttemptPaths } from './attempt-layout.js';

/** How a remote attempt was started: enough to find it again (the run log keeps it for `mlpipe attach`). */
export interface RemoteHandle {
  pid?: number;
  jobId?: string;
  token: string;
}

export interface FinalState {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The scheduler's word for it (Slurm: COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, ...). */
  state?: string;
}

/**
 * What differs between a plain SSH host and a Slurm cluster: how an unpacked attempt starts, how to tell
 * whether it still runs, how it ended, and how to stop it. Everything else (sync, logs, outputs,
 * reconnecting) is shared.
 */
export interface Launcher {
  readonly kind: 'ssh' | 'slurm';
  /** First line of launch.sh. */
  readonly shebang: string;
  /** How often to ask whether a step without a status file still runs, ms. */
  readonly aliveEveryMs: number;
  /** A shell snippet run in the attempt folder; prints what `parseStart` reads. */
  startCommand(paths: AttemptPaths, step: string): string;
  parseStart(output: string, token: string): RemoteHandle;
  /** False once the attempt is gone (finished or killed); 'unknown' when that cannot be told. */
  alive(host: RemoteHost, handle: RemoteHandle): Promise<boolean>;
  /** How it ended; `statusCode` is what the status file said (undefined: no status file). */
  final(host: RemoteHost, handle: RemoteHandle, statusCode: number | undefined): Promise<FinalState>;
  /** The most GPUs one step can get here. */
  gpuCapacity(c: SshConnection): Promise<GpuCapacity>;
  /** Ends the attempt and everything it started; resolves when nothing is left. */
  kill(host: RemoteHost, handle: RemoteHandle, paths: AttemptPaths, graceMs: number): Promise<void>;
}

export interface GpuCapacity {
  count: number;
  /** Where the number comes from, for messages: "nvidia-smi: 2 × NVIDIA A100", "sinfo: gpu:a100:4 per node". */
  detail: string;
}

/** 128 + n exit codes of a shell whose child died of signal n. */
export function signalOfStatus(code: number): NodeJS.Signals | null {
  const names: Record<number, NodeJS.Signals> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 15: 'SIGTERM' };
  return code > 128 ? names[code - 128] ?? null : null;
}
