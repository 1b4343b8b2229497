import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { killLeftovers, killTree, TOKEN_VAR } from './process-tree.js';
import type { LaunchSpec, RunningStep, StepExit, StepHooks, StepRunner } from './runner.js';
import { FileTail } from './tail.js';

/**
 * The wrapper every local step runs under: `/bin/sh` records the exit code in the status file when the
 * step ends on its own (EXIT trap), so a runtime that was not there to see the exit can still learn it.
 * A shell step's command is the wrapper's own script (no extra process); other steps run as "$@".
 */
const TRAP = `trap 'echo $? > "$MLPIPE_STATUS_FILE"' EXIT\n`;

export interface LocalRunnerOptions {
  /** Steps at once (default: the machine's cores). */
  slots?: number;
  /** A shell command run before each step (a target's `setup`). */
  setup?: string;
  /** How often running steps' files are read, in ms (default 100). */
  pollMs?: number;
}

/**
 * Runs steps as processes on this machine. Each step leads its own process group and session
 * (`detached`), writes stdout/stderr straight to spool files and never holds a pipe to the runtime, so a
 * killed CLI does not take it down and nothing blocks on a full pipe. The runtime follows the files.
 */
export class LocalRunner implements StepRunner {
  readonly kind = 'local' as const;
  readonly host = hostname();
  readonly slots: number;
  private readonly tails = new Set<() => void>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: LocalRunnerOptions = {}) {
    this.slots = Math.max(1, options.slots ?? cpus().length);
  }

  start(spec: LaunchSpec, hooks: StepHooks): RunningStep {
    const token = `${spec.runId}/${spec.step}/${spec.attempt}/${randomBytes(6).toString('hex')}`;
    const env = { ...spec.env, MLPIPE_STATUS_FILE: spec.spool.status, [TOKEN_VAR]: token };
    const setup = this.options.setup ? `${this.options.setup} || exit $?\n` : '';
    const args = 'shell' in spec.command
      ? ['-c', `${TRAP}${setup}${spec.command.shell}`]
      : ['-c', `${TRAP}${setup}"$@"`, 'mlpipe-step', ...spec.command.argv];
    const out = openSync(spec.spool.stdout, 'a');
    const err = openSync(spec.spool.stderr, 'a');
    let child;
    try {
      child = spawn('/bin/sh', args, { cwd: spec.cwd, env, detached: true, stdio: ['ignore', out, err] });
    } finally {
      // The child has its own copies of the descriptors.
      closeSync(out);
      closeSync(err);
    }
    const tails = [
      new FileTail(spec.spool.stdout, (l) => hooks.log('stdout', l)),
      new FileTail(spec.spool.stderr, (l) => hooks.log('stderr', l)),
      new FileTail(spec.spool.sink, (l) => hooks.sink(l)),
    ];
    const poll = () => { for (const t of tails) t.poll(); };
    this.follow(poll);
    const pid = child.pid;
    const exited = new Promise<StepExit>((resolve) => {
      let done = false;
      const finish = (exit: StepExit) => {
        if (done) return;
        done = true;
        this.unfollow(poll);
        // Background jobs the step left in its group would keep writing to its files: end them.
        if (pid) killLeftovers({ pid });
        for (const t of tails) t.finish();
        resolve(exit);
      };
      child.on('exit', (code, signal) => finish({ code, signal }));
      child.on('error', (e) => {
        hooks.log('stderr', [`mlpipe: could not start the step: ${e.message}`]);
        finish({ code: 127, signal: null });
      });
    });
    return {
      pid,
      token,
      exited,
      kill: async (graceMs) => {
        if (pid) await killTree({ pid, token }, graceMs);
        await exited;
      },
    };
  }

  private follow(poll: () => void): void {
    this.tails.add(poll);
    this.timer ??= setInterval(() => { for (const p of this.tails) p(); }, this.options.pollMs ?? 100);
  }

  private unfollow(poll: () => void): void {
    this.tails.delete(poll);
    if (!this.tails.size && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.tails.clear();
  }
}
