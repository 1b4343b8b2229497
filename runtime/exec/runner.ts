/**
 * Targets: where a step's process runs. The executor only talks to this interface, so the ssh and slurm
 * targets (issue 6) plug in beside the local one. A launch is described completely by files and
 * environment (no pipes to the runtime), so a step can outlive the CLI that started it and a later
 * `mlpipe attach` can find it again from what the run log recorded (pid, token, spool files).
 */

export interface LaunchSpec {
  runId: string;
  step: string;
  attempt: number;
  /** A program and its arguments, or a shell command line. */
  command: { argv: string[] } | { shell: string };
  cwd: string;
  env: Record<string, string>;
  /**
   * The same environment as `env` in two layers: `base`, one object shared by every step of the run, and
   * `own`, the step's variables over it. A runner that starts steps from a fixed environment compares
   * `base` with it once per run and only `own` per step.
   */
  envLayers?: { base: Readonly<Record<string, string>>; own: Readonly<Record<string, string>> };
  /** Where the step's output goes while it runs; the runtime follows these files. */
  spool: SpoolFiles;
}

export interface SpoolFiles {
  stdout: string;
  stderr: string;
  /** JSON lines the SDKs append: metrics, params, artifacts, tags. */
  sink: string;
  /** The exit code, written by the launch wrapper when the step exits on its own. */
  status: string;
}

export interface StepExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StepHooks {
  /** Whole lines of stdout/stderr, as they appear. */
  log(stream: 'stdout' | 'stderr', lines: string[]): void;
  /** Whole lines of the SDK sink, as they appear. */
  sink(lines: string[]): void;
}

export interface RunningStep {
  /** Process id of the step's main process (local), for the run log and for reattaching. */
  pid: Promise<number | undefined>;
  /** Marks every process of this attempt (see process-tree.ts). */
  token: string;
  /** Settles when the step has exited and its output has been read to the end. */
  exited: Promise<StepExit>;
  /** Ends the whole process tree: TERM, then KILL after `graceMs`. Resolves when nothing is left. */
  kill(graceMs: number): Promise<void>;
  /**
   * Remote targets: where the attempt ran and what moved (host, remote paths, content hashes of what was
   * sent), for the run's lineage. Known once the attempt started.
   */
  lineage?(): Record<string, unknown> | undefined;
}

export interface StepRunner {
  readonly kind: 'local' | 'ssh' | 'slurm';
  /** Host name recorded in the lineage of runs. */
  readonly host: string;
  /** How many steps may run at once on this target. */
  readonly slots: number;
  start(spec: LaunchSpec, hooks: StepHooks): RunningStep;
  /** Stops following files (the runtime is shutting down); does not touch the processes. */
  dispose(): void;
}
