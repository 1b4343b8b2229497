import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { constants, cpus, hostname } from 'node:os';
import { ForkServer, launchScript } from './fork-server.js';
import { killLeftovers, killTree, TOKEN_VAR } from './process-tree.js';
import type { LaunchSpec, RunningStep, StepExit, StepHooks, StepRunner } from './runner.js';
import { FileTail } from './tail.js';

/**
 * The wrapper every local step runs under: `/bin/sh` records the exit code in the status file when the
 * step ends on its own (EXIT trap), so a runtime that was not there to see the exit can still learn it.
 * A shell step's command is the wrapper's own script (no extra process); other steps run as "$@".
 */
const TRAP = `trap 'echo $? > "$MLPIPE_STATUS_FILE"' EXIT\n`;

/**
 * Under the fork server the trap also reports the exit straight to the runtime through fd 3; the command
 * itself runs with fd 3 closed, so nothing the step starts holds the runtime's pipe.
 */
const FORK_TRAP = `trap 's=$?; echo $s > "$MLPIPE_STATUS_FILE"; echo "exit $MLPIPE_FORK_ID $s" >&3 2>/dev/null; exit $s' EXIT\n`;

export interface LocalRunnerOptions {
  /** Steps at once (default: the machine's cores). */
  slots?: number;
  /** A shell command run before each step (a target's `setup`). */
  setup?: string;
  /** How often running steps' files are read, in ms (default 100). */
  pollMs?: number;
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface EnvDiff {
  /** The fork server's environment it was worked out against (a restarted server has a new one). */
  server: NodeJS.ProcessEnv;
  set: Record<string, string>;
  unset: string[];
  unexportable: string[];
}

interface Launched {
  pid: Promise<number | undefined>;
  exited: Promise<StepExit>;
  /** The step's main process is gone (reaped), not only reported done. */
  reaped: Promise<void>;
}

/**
 * Runs steps as processes on this machine. Each step leads its own session and process group, writes
 * stdout/stderr straight to spool files and never holds a pipe to the runtime, so a killed CLI does not
 * take it down and nothing blocks on a full pipe; the runtime follows the files. On Linux steps start
 * through a fork server (fork-server.ts), elsewhere through Node's spawn.
 */
export class LocalRunner implements StepRunner {
  readonly kind = 'local' as const;
  readonly host = hostname();
  readonly slots: number;
  private readonly tails = new Set<() => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly nonce = randomBytes(6).toString('hex');
  private readonly diffs = new WeakMap<Readonly<Record<string, string>>, EnvDiff>();
  private readonly fork = ForkServer.available() && !process.env.MLPIPE_NO_FORK_SERVER ? new ForkServer() : undefined;

  constructor(private readonly options: LocalRunnerOptions = {}) {
    this.slots = Math.max(1, options.slots ?? cpus().length);
  }

  start(spec: LaunchSpec, hooks: StepHooks): RunningStep {
    // Unique per attempt (the run id is), with a per-runner part so a token cannot be guessed from the run id.
    const token = `${spec.runId}/${spec.step}/${spec.attempt}/${this.nonce}`;
    const own = { MLPIPE_STATUS_FILE: spec.spool.status, [TOKEN_VAR]: token };
    const tails = [
      new FileTail(spec.spool.stdout, (l) => hooks.log('stdout', l)),
      new FileTail(spec.spool.stderr, (l) => hooks.log('stderr', l)),
      new FileTail(spec.spool.sink, (l) => hooks.sink(l)),
    ];
    const poll = () => { for (const t of tails) t.poll(); };
    this.follow(poll);
    const launched = (this.fork && this.viaForkServer(this.fork, spec, own)) || this.viaSpawn(spec, { ...spec.env, ...own }, hooks);
    const exited = launched.exited.then(async (exit) => {
      this.unfollow(poll);
      // Background jobs the step left in its group would keep writing to its files: end them once the
      // step's own process is gone (not before, or its exit would be a kill).
      const pid = await launched.pid;
      if (pid) void launched.reaped.then(() => killLeftovers({ pid }));
      for (const t of tails) t.finish();
      return exit;
    });
    return {
      pid: launched.pid,
      token,
      exited,
      kill: async (graceMs) => {
        const pid = await launched.pid;
        if (pid) await killTree({ pid, token }, graceMs);
        await exited;
      },
    };
  }

  /**
   * Undefined when the environment cannot be expressed as a launch script: a variable whose name a shell
   * cannot export differs from the one the fork server inherited. `extra` goes over the spec's environment.
   */
  private viaForkServer(fork: ForkServer, spec: LaunchSpec, extra: Record<string, string>): Launched | undefined {
    const base = fork.env();
    const layers = spec.envLayers ?? { base: spec.env, own: {} };
    const diff = this.baseDiff(layers.base, base);
    const set: Record<string, string> = {};
    const overrides = (k: string) => k in layers.own || k in extra;
    for (const k in diff.set) if (!overrides(k)) set[k] = diff.set[k];
    if (diff.unexportable.some((k) => !overrides(k))) return undefined;
    for (const layer of [layers.own, extra]) {
      for (const k in layer) {
        const v = layer[k];
        if (base[k] === v) {
          // Equal to the server's own: nothing to export, unless an earlier layer changed it.
          delete set[k];
          continue;
        }
        if (!SHELL_NAME.test(k)) return undefined;
        set[k] = v;
      }
    }
    const unset = diff.unset.filter((k) => !overrides(k));
    const script = launchScript({ cwd: spec.cwd, set, unset, trap: FORK_TRAP, setup: this.options.setup, command: spec.command, closeFd3: true });
    const r = fork.launch(script, spec.spool.stdout, spec.spool.stderr, extra[TOKEN_VAR]);
    const exited = r.exited.then(({ status }): StepExit => {
      // `wait` reports a death by signal N as 128+N; the EXIT trap wrote no status file in that case.
      if (status > 128 && !existsSync(spec.spool.status)) {
        const name = Object.entries(constants.signals).find(([, n]) => n === status - 128)?.[0] as NodeJS.Signals | undefined;
        return { code: null, signal: name ?? null };
      }
      return { code: status, signal: null };
    });
    return { pid: r.pid, exited, reaped: r.reaped };
  }

  /**
   * How a run's base environment differs from the fork server's, worked out once per base (a run's steps
   * share one): what to export, what to unset, and the differing names a shell cannot export.
   */
  private baseDiff(env: Readonly<Record<string, string>>, server: NodeJS.ProcessEnv): EnvDiff {
    let d = this.diffs.get(env);
    if (d?.server === server) return d;
    d = { server, set: {}, unset: [], unexportable: [] };
    for (const k in env) {
      if (server[k] === env[k]) continue;
      if (SHELL_NAME.test(k)) d.set[k] = env[k];
      else d.unexportable.push(k);
    }
    for (const k in server) if (!(k in env) && SHELL_NAME.test(k)) d.unset.push(k);
    this.diffs.set(env, d);
    return d;
  }

  private viaSpawn(spec: LaunchSpec, env: Record<string, string>, hooks: StepHooks): Launched {
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
    const exited = new Promise<StepExit>((resolve) => {
      child.on('exit', (code, signal) => resolve({ code, signal }));
      child.on('error', (e) => {
        hooks.log('stderr', [`mlpipe: could not start the step: ${e.message}`]);
        resolve({ code: 127, signal: null });
      });
    });
    return { pid: Promise.resolve(child.pid), exited, reaped: exited.then(() => undefined) };
  }

  private follow(poll: () => void): void {
    this.tails.add(poll);
    this.timer ??= setInterval(() => {
      for (const p of this.tails) p();
      this.fork?.poll();
    }, this.options.pollMs ?? 100);
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
    this.fork?.dispose();
  }
}
