// Remote targets, against a real sshd on 127.0.0.1 (started here, as the tests do), with same-run references:
// - sync of a 1,000-small-file workspace where one file changed, vs `rsync -a` over the same sshd for the
//   same change (both open their own SSH connection and look at every file; target ≤ 2×);
// - per-step overhead of a no-op remote step (connect, sync, launch detached, follow to the status file),
//   vs a bare `ssh host true` (target ≤ 3×); also the overhead on a connection a run already has open.
// `npm run bench -- remote [--runs N]`
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LaunchSpec } from '../runtime/exec/runner.js';
import { KnownObjects } from '../runtime/remote/content-sync.js';
import { FileHasher } from '../runtime/store/hashing.js';
import { prepareAttempt, sendAndStart } from '../runtime/remote/prepare.js';
import { RemoteRunner } from '../runtime/remote/remote-runner.js';
import { SshConnection } from '../runtime/remote/ssh-connection.js';
import { SshLauncher } from '../runtime/remote/ssh-launcher.js';
import { resolveConnectSpec } from '../runtime/remote/ssh-options.js';
import { startSshd } from '../test/services/sshd.js';
import { median, report } from './stats.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const FILES = 1000;

const server = await startSshd();
const root = mkdtempSync(join(tmpdir(), 'mlpipe-bench-remote-'));
try {
  const home = join(root, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  writeFileSync(join(home, '.ssh', 'known_hosts'), `[${server.host}]:${server.port} ${server.hostPublicKey}\n`);
  const connect = resolveConnectSpec({ host: server.host, port: server.port, identity: server.clientKey }, { home, localUser: server.user });
  const sshArgs = ['-p', String(server.port), '-i', server.clientKey, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${server.knownHosts}`];

  // ── A workspace of 1,000 small files (100 folders × 10 files of ~1 KB) ──
  const code = join(root, 'ws');
  for (let d = 0; d < FILES / 10; d++) {
    mkdirSync(join(code, `pkg${d}`), { recursive: true });
    for (let f = 0; f < 10; f++) writeFileSync(join(code, `pkg${d}`, `m${f}.py`), `# module ${d}.${f}\n${'x = 1\n'.repeat(160)}`);
  }
  const outDir = join(root, 'out');
  mkdirSync(outDir);
  const spec = (run: string): LaunchSpec => ({
    runId: run, step: 'noop', attempt: 1, command: { shell: 'true' }, cwd: code,
    env: { MLPIPE_RUN_ID: run, MLPIPE_INPUTS: '{}', MLPIPE_OUTPUTS: '{}', MLPIPE_OUTPUT_DIR: outDir },
    spool: { stdout: join(outDir, `${run}.out`), stderr: join(outDir, `${run}.err`), sink: join(outDir, `${run}.sink`), status: join(outDir, `${run}.status`) },
  });
  const workdir = join(server.dir, 'mlpipe-work');
  execFileSync('mkdir', ['-p', workdir]);
  /**
   * What a new `mlpipe run` does before its first step on the target: connect, list and hash the tree
   * (hashes remembered between runs, as the runtime keeps them in .mlpipe/state), send what the host
   * lacks and unpack the attempt's tree.
   */
  const state = join(root, 'state');
  const mlpipeSync = async (run: string) => {
    const hasher = new FileHasher(join(state, 'hashes.json'));
    const known = new KnownObjects(join(state, 'objects.txt'));
    const c = await SshConnection.open(connect);
    try {
      const prepared = await prepareAttempt(spec(run), { target: 'bench', hostLabel: 'bench', workdir, hasher, shebang: '#!/bin/sh', token: run });
      await sendAndStart(c, workdir, prepared, known, 'true');
      return prepared.lineage.uploaded.files;
    } finally {
      c.close();
      hasher.save();
      known.save();
    }
  };
  const rsyncDest = join(server.dir, 'rsync-dest');
  const rsync = () => execFileSync('rsync', ['-a', '--delete', '-e', `ssh ${sshArgs.join(' ')}`, `${code}/`, `${server.user}@${server.host}:${rsyncDest}/`]);

  await mlpipeSync('warm');
  rsync();
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // The same one-file change for both, alternating which goes first.
    writeFileSync(join(code, `pkg${i}`, 'm0.py'), `# changed ${i} ${Date.now()}\n`);
    const timeOurs = async () => {
      const t = performance.now();
      const sent = await mlpipeSync(`sync${i}`);
      ours.push(performance.now() - t);
      if (sent !== 1) throw new Error(`expected one object sent, got ${sent}`);
    };
    const timeRsync = () => {
      const t = performance.now();
      rsync();
      theirs.push(performance.now() - t);
    };
    if (i % 2) {
      await timeOurs();
      timeRsync();
    } else {
      timeRsync();
      await timeOurs();
    }
  }
  report({
    bench: 'remote', metric: 'sync 1,000 files, one changed (connect + hash + send + link tree)', unit: 'ms', value: median(ours),
    reference: { what: 'rsync -a over the same sshd', value: median(theirs) }, target: '≤ 2×', runs: RUNS,
  });

  // ── Per-step overhead: a no-op step, start to status ──
  const empty = join(root, 'empty');
  mkdirSync(empty);
  const noop = (run: string): LaunchSpec => ({ ...spec(run), cwd: empty });
  const sshTrue = () => execFileSync('ssh', [...sshArgs, `${server.user}@${server.host}`, 'true']);
  const cold: number[] = [];
  const bare: number[] = [];
  const newRunner = () => new RemoteRunner({ target: 'bench', connect, launcher: new SshLauncher(), workdir });
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    sshTrue();
    bare.push(performance.now() - t);
    const r = newRunner();
    t = performance.now();
    const exit = await r.start(noop(`cold${i}`), { log: () => undefined, sink: () => undefined }).exited;
    cold.push(performance.now() - t);
    r.dispose();
    if (exit.code !== 0) throw new Error(`no-op step failed: ${JSON.stringify(exit)}`);
  }
  report({
    bench: 'remote', metric: 'no-op remote step, new connection (connect, sync, launch, follow to exit)', unit: 'ms', value: median(cold),
    reference: { what: 'ssh host true (OpenSSH client)', value: median(bare) }, target: '≤ 3×', runs: RUNS,
  });
  const warmRunner = newRunner();
  await warmRunner.start(noop('warmup'), { log: () => undefined, sink: () => undefined }).exited;
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await warmRunner.start(noop(`warm${i}`), { log: () => undefined, sink: () => undefined }).exited;
    warm.push(performance.now() - t);
  }
  warmRunner.dispose();
  report({
    bench: 'remote', metric: 'no-op remote step on the run\'s open connection', unit: 'ms', value: median(warm),
    reference: { what: 'ssh host true (OpenSSH client)', value: median(bare) }, runs: RUNS,
  });
} finally {
  rmSync(root, { recursive: true, force: true });
  await server.stop();
}
