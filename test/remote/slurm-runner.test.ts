// Remote steps as Slurm jobs on a real one-node cluster reached through a real sshd (the login host):
// resources become sbatch options, the final state comes from sacct, scancel leaves nothing behind.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RemoteRunner, recordPathOf } from '../../runtime/remote/remote-runner.js';
import { SlurmLauncher } from '../../runtime/remote/slurm-launcher.js';
import { resolveConnectSpec } from '../../runtime/remote/ssh-options.js';
import { processesWithEnv } from '../services/proc-tree.js';
import { startSlurm, type SlurmCluster } from '../services/slurm.js';
import { startSshd, type SshServer } from '../services/sshd.js';
import { waitFor } from '../services/wait.js';
import { recorder, workspace, type Workspace } from './launch-helpers.js';
import { fakeHome, type FakeHome } from './ssh-env.js';

let cluster: SlurmCluster;
let login: SshServer;
let home: FakeHome;
let ws: Workspace;
const runners: RemoteRunner[] = [];

beforeAll(async () => {
  cluster = await startSlurm();
  // The login host's sessions find the cluster's configuration, as on a real login node.
  login = await startSshd({ extraConfig: [`SetEnv SLURM_CONF=${cluster.conf}`] });
  home = fakeHome(login);
}, 120_000);
afterAll(async () => {
  home?.remove();
  await login?.stop();
  await cluster?.stop();
});
afterEach(() => {
  for (const r of runners.splice(0)) r.dispose();
  ws?.remove();
});

function runner(launcher: SlurmLauncher): RemoteRunner {
  const r = new RemoteRunner({
    target: 'cluster', connect: resolveConnectSpec({ host: login.host, port: login.port, identity: login.clientKey }, home),
    launcher, workdir: join(login.dir, 'work'),
  });
  runners.push(r);
  return r;
}

const squeue = (id: string) => execFileSync('squeue', ['-h', '-j', id, '-o', '%T'], { env: { ...process.env, ...cluster.env }, encoding: 'utf8' }).trim();
const sacct = (id: string, fields: string) => execFileSync('sacct', ['-n', '-P', '-X', '-j', id, '-o', fields], { env: { ...process.env, ...cluster.env }, encoding: 'utf8' }).trim();
const jobOf = (spec: { spool: { stdout: string } }) => (JSON.parse(readFileSync(recordPathOf(spec.spool), 'utf8')) as { handle: { jobId: string } }).handle.jobId;

describe('slurm target', () => {
  it('submits the step with its resources, streams its log, and takes the exit code from sacct', async () => {
    ws = workspace();
    const launcher = new SlurmLauncher({ partition: cluster.partition }, () => ({ gpus: 1, cpus: 1, memoryBytes: 64 * 1024 * 1024, timeoutMs: 90_000 }));
    const rec = recorder();
    const spec = ws.spec('train', { shell: 'echo "gpus=$SLURM_JOB_GPUS cpus=$SLURM_CPUS_PER_TASK"; echo out > "$MLPIPE_OUTPUT_DIR/m.txt"; exit 0' }, { outputs: { m: 'm.txt' } });
    const step = runner(launcher).start(spec, rec.hooks);
    expect(await step.exited).toEqual({ code: 0, signal: null });
    expect(rec.stdout).toEqual(['gpus=0 cpus=1']);
    expect(readFileSync(join(spec.env.MLPIPE_OUTPUT_DIR, 'm.txt'), 'utf8')).toBe('out\n');
    const id = jobOf(spec);
    // slurmdbd may hold the job's record back a moment after the job ended (seen under load): wait for it.
    const record = new RegExp(`^COMPLETED\\|0:0\\|.*gres/gpu=1.*\\|00:02:00\\|${cluster.partition}$`);
    await waitFor('sacct to record the job with its resources', () => record.test(sacct(id, 'State,ExitCode,ReqTRES,Timelimit,Partition')), 20_000);
    expect(sacct(id, 'State,ExitCode,ReqTRES,Timelimit,Partition')).toMatch(record);
    expect(rec.stderr).toContain(`mlpipe: Slurm job ${id}: COMPLETED`);

    const failing = recorder();
    const bad = runner(new SlurmLauncher({})).start(ws.spec('bad', { shell: 'echo before; exit 3' }), failing.hooks);
    expect(await bad.exited).toEqual({ code: 3, signal: null });
    expect(failing.stdout).toEqual(['before']);
    expect(failing.stderr.some((l) => /Slurm job \d+: FAILED/.test(l))).toBe(true);
  });

  it('cancel scancels the job and leaves no process behind', async () => {
    ws = workspace();
    const rec = recorder();
    const spec = ws.spec('long', { shell: 'setsid sleep 300 & echo started; sleep 300' });
    const step = runner(new SlurmLauncher({})).start(spec, rec.hooks);
    await rec.until('stdout', (l) => l === 'started');
    const id = jobOf(spec);
    expect(squeue(id)).toBe('RUNNING');
    const token = (JSON.parse(readFileSync(recordPathOf(spec.spool), 'utf8')) as { handle: { token: string } }).handle.token;
    await step.kill(2000);
    expect(await step.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(squeue(id)).toBe('');
    await waitFor('sacct to record the cancellation', () => sacct(id, 'State').startsWith('CANCELLED'), 20_000);
    // proctrack/linuxproc follows the job's processes, also the one that left with setsid.
    await waitFor('every process of the job to end', () => processesWithEnv(`MLPIPE_STEP_TOKEN=${token}`).length === 0, 20_000);
  });
});

describe('slurm target without accounting', () => {
  let plain: SlurmCluster;
  let gate: SshServer;
  let h: FakeHome;
  beforeAll(async () => {
    plain = await startSlurm({ accounting: false });
    gate = await startSshd({ extraConfig: [`SetEnv SLURM_CONF=${plain.conf}`] });
    h = fakeHome(gate);
  }, 120_000);
  afterAll(async () => {
    h?.remove();
    await gate?.stop();
    await plain?.stop();
  });

  it('falls back to the status file for the exit code', async () => {
    ws = workspace();
    const r = new RemoteRunner({
      target: 'cluster', connect: resolveConnectSpec({ host: gate.host, port: gate.port, identity: gate.clientKey }, h),
      launcher: new SlurmLauncher({}), workdir: join(gate.dir, 'work'),
    });
    runners.push(r);
    const rec = recorder();
    const step = r.start(ws.spec('s', { shell: 'echo hi; exit 4' }), rec.hooks);
    expect(await step.exited).toEqual({ code: 4, signal: null });
    expect(rec.stdout).toEqual(['hi']);
    expect(rec.stderr.some((l) => /status file \(no accounting\)/.test(l))).toBe(true);
  });
});
