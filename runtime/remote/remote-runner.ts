import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Resources } from '../../language-server/model/pipeline-model.js';
import type { LaunchSpec, RunningStep, StepExit, StepHooks, StepRunner } from '../exec/runner.js';
import type { AttemptPaths } from './attempt-layout.js';
import { FileHasher } from '../store/hashing.js';
import { KnownObjects } from './content-sync.js';
import { RemoteError } from './errors.js';
import type { GpuCapacity, Launcher, RemoteHandle } from './launcher.js';
import { prepareAttempt, sendAndStart, type RemoteLineage } from './prepare.js';
import { RemoteHost } from './remote-host.js';
import { RemoteTail } from './remote-tail.js';
import { sftpGet, sftpReaddir, sftpReadSmall, sftpRealpath, sftpStat } from './sftp-io.js';
import type { ConnectSpec } from './ssh-options.js';

export interface RemoteRunnerOptions {
  /** The target's name in the pipeline. */
  target: string;
  connect: ConnectSpec;
  launcher: Launcher;
  /** Working directory on the host (`~/...` allowed). */
  workdir: string;
  setup?: string;
  slots?: number;
  sdkDir?: string;
  reconnectForMs?: number;
  /** Adopt still-running (or finished, uncollected) attempts of this run instead of starting new ones. */
  adoptRun?: string;
  /** The workspace's spool root, where attempts of earlier runs left their records next to their logs (for adoption). */
  spoolRoot?: string;
  /** A step's resources: sbatch options on Slurm, and the GPU check on both kinds. */
  resourcesOf?: (step: string) => Resources;
  /** The local store's state folder: file hashes and the objects each host has, kept between runs. */
  stateDir?: string;
}

/** What a started attempt leaves next to its local spool files, so another runtime can find it again. */
export interface RemoteRecord {
  v: 1;
  target: string;
  host: string;
  kind: 'ssh' | 'slurm';
  step: string;
  runId: string;
  attempt: number;
  paths: AttemptPaths;
  handle: RemoteHandle;
  /** Hash of what the attempt computes (code, inputs, command, env without run-specific paths). */
  digest: string;
  outputs: { name: string; local: string; remote: string }[];
  lineage: RemoteLineage;
}

/** Suffix of an attempt's record, next to its spool files (`<step>.<attempt>.remote.json`). */
const RECORD = '.remote.json';

/** Where an attempt's record is written: beside its spool files, named like them. */
export function recordPathOf(spool: { stdout: string }): string {
  return `${spool.stdout.replace(/\.stdout$/, '')}${RECORD}`;
}

/**
 * Runs steps on an SSH host or a Slurm cluster behind the StepRunner interface the executor uses for
 * local steps: same launch description, same spool files, same hooks. The SSH connection is opened on the
 * first step that needs it (a fully cached run never connects) and shared by every step on the target.
 */
export class RemoteRunner implements StepRunner {
  readonly kind: 'ssh' | 'slurm';
  readonly host: string;
  readonly slots: number;
  readonly remote: RemoteHost;
  readonly hasher: FileHasher;
  readonly known: KnownObjects;
  private workdir: Promise<string> | undefined;
  private disposed = false;
  private readonly notices = new Set<(m: string) => void>();

  constructor(private readonly o: RemoteRunnerOptions) {
    this.kind = o.launcher.kind;
    this.host = o.connect.host === o.connect.alias ? o.connect.host : `${o.connect.alias} (${o.connect.host})`;
    this.slots = o.slots ?? (this.kind === 'slurm' ? 64 : 4);
    this.remote = new RemoteHost(o.connect, { reconnectForMs: o.reconnectForMs, notice: (m) => this.notices.forEach((n) => n(m)) });
    const c = o.connect;
    const id = createHash('sha256').update(`${c.user}@${c.host}:${c.port}:${o.workdir}`).digest('hex').slice(0, 16);
    this.hasher = new FileHasher(o.stateDir ? join(o.stateDir, 'remote', 'file-hashes.json') : undefined);
    this.known = new KnownObjects(o.stateDir ? join(o.stateDir, 'remote', `objects-${id}.txt`) : undefined);
  }

  start(spec: LaunchSpec, hooks: StepHooks): RunningStep {
    const token = `${spec.runId}/${spec.step}/${spec.attempt}/${randomBytes(6).toString('hex')}`;
    return new RemoteAttempt(this, spec, hooks, token).running();
  }

  /**
   * The absolute working directory on the host. `~/x` is resolved against the home folder over SFTP (the
   * session the logs are followed with anyway), so no remote command is spent on it; the folder itself is
   * created by the command that unpacks the first attempt.
   */
  resolvedWorkdir(): Promise<string> {
    const w = this.o.workdir;
    this.workdir ??= w.startsWith('/')
      ? Promise.resolve(w.replace(/\/+$/, ''))
      : this.remote.retrying(async (c) => {
        const home = await sftpRealpath(await c.sftp(), '.');
        return w === '~' ? home : `${home}/${w.replace(/^~\//, '')}`.replace(/\/+$/, '');
      });
    return this.workdir;
  }

  get options(): RemoteRunnerOptions {
    return this.o;
  }

  get launcher(): Launcher {
    return this.o.launcher;
  }

  /** An earlier attempt of the adopted run for this step whose digest matches, if any. */
  adoptable(step: string, digest: string): RemoteRecord | undefined {
    if (!this.o.adoptRun || !this.o.spoolRoot) return undefined;
    const dir = join(this.o.spoolRoot, this.o.adoptRun);
    if (!existsSync(dir)) return undefined;
    const attemptOf = (n: string) => Number(n.slice(step.length + 1, -RECORD.length));
    const records = readdirSync(dir).filter((n) => n.startsWith(`${step}.`) && n.endsWith(RECORD) && Number.isInteger(attemptOf(n)));
    for (const name of records.sort((a, b) => attemptOf(b) - attemptOf(a))) {
      try {
        const r = JSON.parse(readFileSync(join(dir, name), 'utf8')) as RemoteRecord;
        if (r.step === step && r.digest === digest && r.target === this.o.target) return r;
      } catch {
        // No record: that attempt never started remotely.
      }
    }
    return undefined;
  }

  private gpus: Promise<GpuCapacity> | undefined;

  /**
   * A step asking for more GPUs than the target can ever give fails before anything is sent, with both
   * numbers (the pipeline alone cannot know what a host has, so this is checked here and by
   * `mlpipe targets check`, not by the language server).
   */
  async checkGpus(step: string): Promise<void> {
    const wanted = this.o.resourcesOf?.(step).gpus ?? 0;
    if (!wanted) return;
    this.gpus ??= this.remote.retrying((c) => this.o.launcher.gpuCapacity(c));
    const have = await this.gpus;
    if (wanted > have.count) {
      throw new RemoteError('config', `step ${step} asks for ${wanted} GPU${wanted === 1 ? '' : 's'}, but target ${this.o.target} (${this.host}) has ${have.count === 0 ? 'none' : `at most ${have.count}`} (${have.detail})`);
    }
  }

  onNotice(fn: (m: string) => void): () => void {
    this.notices.add(fn);
    return () => this.notices.delete(fn);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    this.disposed = true;
    this.remote.close();
    this.hasher.save();
    this.known.save();
  }
}

/** One attempt: prepare and start (or adopt), follow to the end, collect outputs, or kill. */
class RemoteAttempt {
  private handle: RemoteHandle | undefined;
  private paths: AttemptPaths | undefined;
  private started: Promise<void>;
  private cancelled = false;
  private killed: Promise<void> | undefined;
  private readonly exited: Promise<StepExit>;
  lineage: RemoteLineage | undefined;

  constructor(private readonly r: RemoteRunner, private readonly spec: LaunchSpec, private readonly hooks: StepHooks, private readonly token: string) {
    let markStarted!: () => void;
    this.started = new Promise((res) => (markStarted = res));
    this.exited = this.run(markStarted);
    // The executor may stop waiting (cancel, timeout) before this settles: never an unhandled rejection.
    this.exited.catch(() => undefined);
  }

  running(): RunningStep & { lineage: () => RemoteLineage | undefined } {
    return {
      // The process lives on another machine: no local pid to record or reattach to.
      pid: Promise.resolve(undefined),
      token: this.token,
      exited: this.exited,
      kill: (graceMs) => this.kill(graceMs),
      lineage: () => this.lineage,
    };
  }

  private notice(line: string): void {
    this.hooks.log('stderr', [`mlpipe: ${line}`]);
  }

  private async run(markStarted: () => void): Promise<StepExit> {
    const unsubscribe = this.r.onNotice((m) => this.notice(m));
    try {
      const workdir = await this.r.resolvedWorkdir();
      await this.r.checkGpus(this.spec.step);
      const prepared = await prepareAttempt(this.spec, {
        target: this.r.options.target, hostLabel: this.r.host, workdir, hasher: this.r.hasher, setup: this.r.options.setup,
        shebang: this.r.launcher.shebang, token: this.token, sdkDir: this.r.options.sdkDir,
      });
      this.lineage = prepared.lineage;
      const digest = prepared.digest;
      const adopted = this.r.adoptable(this.spec.step, digest);
      let record: RemoteRecord;
      if (adopted) {
        record = { ...adopted, outputs: prepared.outputs.map((o) => ({ ...o, remote: adopted.outputs.find((a) => a.name === o.name)?.remote ?? o.remote })) };
        this.paths = adopted.paths;
        this.handle = adopted.handle;
        this.lineage = { ...adopted.lineage, outputs: record.outputs };
        this.notice(`reattached to ${this.r.host}: ${adopted.paths.dir} (run ${adopted.runId}, attempt ${adopted.attempt})`);
      } else {
        if (this.cancelled) throw new RemoteError('remote-command', 'cancelled before it started');
        // Not retried on a dropped connection: a second start could run the step twice.
        const c = await this.r.remote.connection();
        const out = await sendAndStart(c, workdir, prepared, this.r.known, this.r.launcher.startCommand(prepared.paths, this.spec.step));
        this.paths = prepared.paths;
        this.handle = this.r.launcher.parseStart(out, this.token);
        record = {
          v: 1, target: this.r.options.target, host: this.r.host, kind: this.r.kind, step: this.spec.step, runId: this.spec.runId, attempt: this.spec.attempt,
          paths: prepared.paths, handle: this.handle, digest, outputs: prepared.outputs, lineage: prepared.lineage,
        };
      }
      const recordFile = recordPathOf(this.spec.spool);
      mkdirSync(dirname(recordFile), { recursive: true });
      writeFileSync(recordFile, JSON.stringify(record));
      markStarted();
      const statusCode = await this.follow();
      if (this.cancelled) return { code: null, signal: 'SIGTERM' };
      const final = await this.r.launcher.final(this.r.remote, this.handle, statusCode);
      if (final.state && this.r.kind === 'slurm') this.notice(`Slurm job ${this.handle.jobId}: ${final.state}`);
      else if (final.state) this.notice(final.state);
      if (final.code === 0) await this.collect(record.outputs);
      return { code: final.code, signal: final.signal };
    } finally {
      markStarted();
      unsubscribe();
    }
  }

  /** Follows the attempt's files until its status file appears (→ its code) or it is gone without one. */
  private async follow(): Promise<number | undefined> {
    const p = this.paths!;
    const s = this.spec.spool;
    const tails = [
      new RemoteTail(p.stdout, s.stdout, (l) => this.hooks.log('stdout', l)),
      new RemoteTail(p.stderr, s.stderr, (l) => this.hooks.log('stderr', l)),
      new RemoteTail(p.sink, s.sink, (l) => this.hooks.sink(l)),
    ];
    let wait = 20;
    let lastAlive = Date.now();
    for (;;) {
      if (this.cancelled) return undefined;
      const c = await this.r.remote.connection();
      try {
        const sftp = await c.sftp();
        // Status first: once it exists the logs are complete, so the reads below get everything. The
        // status and the three files are asked for at once: one round trip per poll.
        const statusRead = sftpReadSmall(sftp, p.status);
        const got = await Promise.all(tails.map((t) => t.poll(sftp)));
        const status = await statusRead;
        const any = got.some(Boolean);
        if (status !== undefined) {
          for (const t of tails) await t.poll(sftp);
          for (const t of tails) t.finish();
          const code = Number(status.toString('utf8').trim());
          return Number.isInteger(code) ? code : undefined;
        }
        if (Date.now() - lastAlive > this.r.launcher.aliveEveryMs) {
          lastAlive = Date.now();
          if (!(await this.r.launcher.alive(this.r.remote, this.handle!))) {
            // It may have written its status between our two looks.
            if ((await sftpReadSmall(sftp, p.status)) !== undefined) continue;
            for (const t of tails) {
              await t.poll(sftp);
              t.finish();
            }
            return undefined;
          }
        }
        wait = any ? 20 : Math.min(500, wait * 2);
      } catch (e) {
        if (c.isOpen) throw e;
        // The connection dropped: the next round waits for the reconnect and resumes at the same offsets.
        wait = 0;
      }
      if (wait) await delay(wait);
    }
  }

  /** Downloads the declared outputs into the local attempt folder. */
  private async collect(outputs: { local: string; remote: string }[]): Promise<void> {
    await this.r.remote.retrying(async (c) => {
      const sftp = await c.sftp();
      for (const o of outputs) {
        const st = await sftpStat(sftp, o.remote);
        if (!st) continue; // the executor reports the missing output
        mkdirSync(dirname(o.local), { recursive: true });
        if (st.isDirectory()) await getTree(sftp, o.remote, o.local);
        else await sftpGet(sftp, o.remote, o.local);
      }
    });
  }

  private kill(graceMs: number): Promise<void> {
    this.killed ??= (async () => {
      this.cancelled = true;
      await this.started;
      if (this.handle && this.paths) await this.r.launcher.kill(this.r.remote, this.handle, this.paths, graceMs);
      await this.exited.catch(() => undefined);
    })();
    return this.killed;
  }
}

async function getTree(sftp: Parameters<typeof sftpGet>[0], remote: string, local: string): Promise<void> {
  mkdirSync(local, { recursive: true });
  for (const e of await sftpReaddir(sftp, remote)) {
    if (e.attrs.isDirectory()) await getTree(sftp, `${remote}/${e.filename}`, join(local, e.filename));
    else await sftpGet(sftp, `${remote}/${e.filename}`, join(local, e.filename));
  }
}
