// `mlpipe run`, `attach` and `targets` against a real sshd and a real Slurm, through the CLI bundle the
// user runs: the churn sample's train step on an ssh target and on a slurm target, reruns that never
// connect, a killed CLI picked up by `attach`, GPU requests checked against what the target has.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../runtime/exec/events.js';
import { startSlurm, type SlurmCluster } from '../services/slurm.js';
import { startSshd, type SshServer } from '../services/sshd.js';
import { waitFor } from '../services/wait.js';
import { fakeHome, hostBlock, type FakeHome } from './ssh-env.js';

const repo = resolve(__dirname, '../..');
const cli = join(repo, 'bin', 'mlpipe.cjs');
let server: SshServer;
let cluster: SlurmCluster;
let home: FakeHome;
let remoteHome: string;
const cleanup: string[] = [];

beforeAll(async () => {
  cluster = await startSlurm();
  // One host is both the GPU box and the cluster's login node; its sessions know the cluster.
  server = await startSshd({ extraConfig: [`SetEnv SLURM_CONF=${cluster.conf}`] });
  home = fakeHome(server);
  home.writeConfig(hostBlock('gpu-box', server));
  // The remote side has the Node packages the sample's train step imports (onnx-proto), as a GPU box
  // prepared for the project would: a node_modules above the working directories.
  remoteHome = join(server.dir, 'remote-home');
  mkdirSync(remoteHome);
  symlinkSync(join(repo, 'node_modules'), join(remoteHome, 'node_modules'));
}, 120_000);

afterAll(async () => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  home?.remove();
  await server?.stop();
  await cluster?.stop();
});

const TARGETS = (dir: string) => `
target gpu: ssh {
  host "gpu-box"
  workdir "${dir}/work"
  setup "export STEP_ENV=prepared"
  connect_timeout 10s
}

target cluster: slurm {
  login "gpu-box"
  workdir "${dir}/slurm-work"
  partition "debug"
}
`;

/** A copy of samples/churn with its data, whose train step runs on `target`. */
function churnWorkspace(target: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-churn-'));
  cleanup.push(dir);
  cpSync(join(repo, 'samples', 'churn'), dir, { recursive: true, filter: (p) => !['data', '.mlpipe'].includes(basename(p)) });
  execFileSync(process.execPath, ['generate-data.mjs'], { cwd: dir, stdio: 'ignore' });
  const file = join(dir, 'churn.mlpipe');
  const text = readFileSync(file, 'utf8');
  const withoutTargets = text.slice(0, text.indexOf('target laptop: local'));
  writeFileSync(file, `${withoutTargets.replace(/target laptop\n/, `target ${target}\n`)}target laptop: local {}\n${TARGETS(remoteHome)}`);
  return dir;
}

interface CliResult {
  code: number | null;
  events: RunEvent[];
  stderr: string;
  stdout: string;
}

function mlpipe(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, HOME: home.home, SSH_AUTH_SOCK: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolvePromise({ code, stdout, stderr, events: parseEvents(stdout) }));
  });
}

function parseEvents(stdout: string): RunEvent[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunEvent);
}

const only = <T extends RunEvent['type']>(events: RunEvent[], type: T, step?: string) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type && (!step || (e as { step?: string }).step === step));

async function runsRemotely(target: 'gpu' | 'cluster', host: string): Promise<void> {
  const dir = churnWorkspace(target);
  const first = await mlpipe(['run', 'churn.mlpipe', '--json-events'], dir);
  expect(first.stderr).toBe('');
  expect(only(first.events, 'step_failed')).toEqual([]);
  expect(first.code).toBe(0);
  const started = only(first.events, 'step_started', 'train')[0];
  expect(started.target).toBe(target);
  expect(started.host).toBe(host);
  const finished = only(first.events, 'step_finished', 'train')[0];
  const remote = finished.remote as { host: string; attemptDir: string; inputs: { name: string; sha256: string; remote: string }[]; outputs: { remote: string }[] };
  expect(remote.host).toBe(host);
  expect(remote.attemptDir.startsWith(join(remoteHome, target === 'gpu' ? 'work' : 'slurm-work'))).toBe(true);
  expect(remote.inputs.map((i) => i.name)).toEqual(['train_rows.rows']);
  expect(remote.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(remote.outputs[0].remote).toBe(`${remote.attemptDir}/out/model.onnx`);
  // The model came back, was evaluated and registered like a local one.
  expect(existsSync(finished.outputs.model.path)).toBe(true);
  expect(only(first.events, 'step_finished', 'evaluate')).toHaveLength(1);
  // The SDK's metrics on the remote reached the event stream, and its log lines too.
  expect(only(first.events, 'step_metric', 'train').flatMap((e) => e.points.map((p) => p.key))).toContain('loss');
  expect(only(first.events, 'step_log', 'train').some((e) => /epoch 200: loss/.test(e.line))).toBe(true);
  // The run's record in the store names the host and the remote paths too.
  const stored = readFileSync(join(dir, '.mlpipe', 'runs', first.events[0].runId, 'events.jsonl'), 'utf8');
  expect(stored).toContain(remote.attemptDir);

  // Nothing changed: everything comes from the cache, even with the host unreachable.
  await server.drop();
  try {
    const again = await mlpipe(['run', 'churn.mlpipe', '--json-events'], dir);
    expect(again.code).toBe(0);
    const end = only(again.events, 'run_finished')[0];
    expect(end.counts.ran).toBe(0);
    expect(only(again.events, 'step_cached', 'train')).toHaveLength(1);
  } finally {
    await server.restart();
  }
}

describe('mlpipe with remote targets', () => {
  it('runs the churn train step on an ssh target; a rerun is fully cached without connecting', async () => {
    await runsRemotely('gpu', 'gpu-box (127.0.0.1)');
  }, 120_000);

  it('runs the churn train step as a Slurm job; a rerun is fully cached without connecting', async () => {
    await runsRemotely('cluster', 'gpu-box (127.0.0.1)');
  }, 120_000);

  it('attach picks up a remote step after the CLI was killed: every line once, outputs collected, rest of the run done', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-attach-'));
    cleanup.push(dir);
    writeFileSync(join(dir, 'p.mlpipe'), `pipeline slow {
  step tick: shell {
    command "i=1; while [ $i -le 30 ]; do echo tick $i; i=$((i+1)); sleep 0.1; done; echo done > $MLPIPE_OUTPUT_DIR/ticks.txt"
    outputs { ticks: "ticks.txt" }
    target gpu
  }
  step after: shell {
    inputs [tick.ticks]
    command "wc -l < $MLPIPE_INPUT_TICK_TICKS > $MLPIPE_OUTPUT_DIR/n.txt"
    outputs { n: "n.txt" }
  }
}
${TARGETS(remoteHome)}`);
    mkdirSync(join(dir, '.mlpipe'));
    const child = spawn(process.execPath, [cli, 'run', 'p.mlpipe', '--json-events'], { cwd: dir, env: { ...process.env, HOME: home.home, SSH_AUTH_SOCK: '' }, detached: true });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    await waitFor('the remote step to log tick 3', () => /"line":"tick 3"/.test(out), 60_000);
    const runId = parseEvents(out)[0].runId;
    const exited = new Promise((r) => child.on('close', r));
    process.kill(child.pid!, 'SIGKILL');
    await exited;

    const attached = await mlpipe(['attach', runId, '--json-events'], dir);
    expect(attached.stderr).toBe('');
    expect(attached.code).toBe(0);
    const lines = only(attached.events, 'step_log', 'tick').filter((e) => e.stream === 'stdout').map((e) => e.line);
    expect(lines).toEqual(Array.from({ length: 30 }, (_, i) => `tick ${i + 1}`));
    expect(only(attached.events, 'step_log', 'tick').some((e) => /reattached to gpu-box/.test(e.line))).toBe(true);
    const after = only(attached.events, 'step_finished', 'after')[0];
    expect(readFileSync(after.outputs.n.path, 'utf8').trim()).toBe('1');
    expect(only(attached.events, 'run_started')[0].parent).toBe(runId);
  }, 120_000);

  it('a step asking for more GPUs than its target has fails before anything runs, with both numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-gpus-'));
    cleanup.push(dir);
    writeFileSync(join(dir, 'p.mlpipe'), `pipeline gpus {
  step on_box: shell {
    command "echo never"
    resources { gpus: 1 }
    target gpu
  }
  step on_cluster: shell {
    command "echo never"
    resources { gpus: 3 }
    target cluster
  }
}
${TARGETS(remoteHome)}`);
    const r = await mlpipe(['run', 'p.mlpipe', '--json-events'], dir);
    expect(r.code).toBe(1);
    const box = only(r.events, 'step_failed', 'on_box')[0];
    expect(box.error).toBe('step on_box asks for 1 GPU, but target gpu (gpu-box (127.0.0.1)) has none (nvidia-smi finds none)');
    const cl = only(r.events, 'step_failed', 'on_cluster')[0];
    expect(cl.error).toMatch(/^step on_cluster asks for 3 GPUs, but target cluster \(.*\) has at most 2 \(sinfo: partition debug gpu:2/);
    expect(only(r.events, 'step_log').some((e) => e.line === 'never')).toBe(false);
  }, 60_000);

  it('targets list and check report reachability, OS, disk, GPUs and Slurm partitions', async () => {
    const dir = churnWorkspace('gpu');
    const list = await mlpipe(['targets', 'list', 'churn.mlpipe', '--json'], dir);
    expect(JSON.parse(list.stdout)).toEqual([
      { name: 'laptop', kind: 'local', where: 'this machine' },
      { name: 'gpu', kind: 'ssh', where: 'gpu-box' },
      { name: 'cluster', kind: 'slurm', where: 'gpu-box partition=debug' },
    ]);
    const ssh = await mlpipe(['targets', 'check', 'churn.mlpipe', 'gpu', '--json'], dir);
    expect(ssh.code).toBe(0);
    const s = JSON.parse(ssh.stdout) as { ok: boolean; os: string; gpus: unknown[]; freeDiskBytes: number; latencyMs: number; partitions?: unknown };
    expect(s).toMatchObject({ ok: true, gpus: [] });
    expect(s.os).toMatch(/Linux/);
    expect(s.freeDiskBytes).toBeGreaterThan(0);
    expect(s.latencyMs).toBeGreaterThan(0);
    const slurm = await mlpipe(['targets', 'check', 'churn.mlpipe', 'cluster', '--json'], dir);
    const c = JSON.parse(slurm.stdout) as { ok: boolean; partitions: { name: string; gpusPerNode: number; isDefault: boolean }[] };
    expect(c.ok).toBe(true);
    expect(c.partitions).toMatchObject([{ name: 'debug', gpusPerNode: 2, isDefault: true }]);
    const text = await mlpipe(['targets', 'check', 'churn.mlpipe', 'gpu'], dir);
    expect(text.stdout).toMatch(/gpus: none/);

    // An unknown host key: refused, with the fingerprint to compare; `trust --yes` adds it.
    const saved = readFileSync(home.knownHosts, 'utf8');
    home.writeKnownHosts('');
    try {
      const unknown = await mlpipe(['targets', 'check', 'churn.mlpipe', 'gpu', '--json'], dir);
      expect(unknown.code).toBe(1);
      const u = JSON.parse(unknown.stdout) as { ok: boolean; error: { code: string; fingerprint: string } };
      expect(u.error.code).toBe('host-key-unknown');
      expect(u.error.fingerprint).toMatch(/^SHA256:/);
      const shown = await mlpipe(['targets', 'trust', 'churn.mlpipe', 'gpu'], dir);
      expect(shown.stdout).toContain(u.error.fingerprint);
      expect(shown.code).toBe(1);
      const trusted = await mlpipe(['targets', 'trust', 'churn.mlpipe', 'gpu', '--yes'], dir);
      expect(trusted.code).toBe(0);
      expect((await mlpipe(['targets', 'check', 'churn.mlpipe', 'gpu', '--json'], dir)).code).toBe(0);
    } finally {
      home.writeKnownHosts(saved);
    }
  }, 60_000);
});
