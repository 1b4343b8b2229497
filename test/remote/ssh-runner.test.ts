// Remote steps on a real sshd: sync, detached processes, live logs that survive sshd going away,
// outputs, metrics, setup, cancellation that leaves nothing behind.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RemoteRunner, recordPathOf } from '../../runtime/remote/remote-runner.js';
import { SshLauncher } from '../../runtime/remote/ssh-launcher.js';
import { resolveConnectSpec } from '../../runtime/remote/ssh-options.js';
import { processesWithEnv } from '../services/proc-tree.js';
import { startSshd, type SshServer } from '../services/sshd.js';
import { waitFor } from '../services/wait.js';
import { recorder, workspace, type Workspace } from './launch-helpers.js';
import { fakeHome, type FakeHome } from './ssh-env.js';

let server: SshServer;
let home: FakeHome;
let ws: Workspace;
const runners: RemoteRunner[] = [];

beforeAll(async () => {
  server = await startSshd();
  home = fakeHome(server);
});
afterAll(async () => {
  home?.remove();
  await server?.stop();
});
afterEach(() => {
  for (const r of runners.splice(0)) r.dispose();
  ws?.remove();
});

function runner(extra: { setup?: string; workdir?: string } = {}): RemoteRunner {
  const r = new RemoteRunner({
    target: 'gpu', connect: resolveConnectSpec({ host: server.host, port: server.port, identity: server.clientKey }, home),
    launcher: new SshLauncher(), workdir: extra.workdir ?? join(server.dir, 'work'), setup: extra.setup,
  });
  runners.push(r);
  return r;
}

describe('ssh target: remote steps', () => {
  it('runs a step remotely: code synced, inputs sent, setup applied, outputs and metrics come back', async () => {
    ws = workspace();
    ws.write('steps/train.sh', 'echo "lr=$MLPIPE_PARAM_LR venv=$VENV_ON"\ncat "$1" | wc -l\necho \'{"t":"metric","key":"loss","value":0.5}\' >> "$MLPIPE_SINK"\necho model > "$MLPIPE_OUTPUT_DIR/model.bin"\n');
    const input = join(ws.root, 'rows.csv');
    writeFileSync(input, 'a\nb\nc\n');
    const rec = recorder();
    const spec = ws.spec('train', { argv: ['sh', join(ws.code, 'steps/train.sh'), input] }, { inputs: { rows: input }, outputs: { model: 'model.bin' }, env: { MLPIPE_PARAM_LR: '0.1' } });
    const r = runner({ setup: 'export VENV_ON=yes' });
    const step = r.start(spec, rec.hooks);
    expect(await step.exited).toEqual({ code: 0, signal: null });
    expect(rec.stdout).toEqual(['lr=0.1 venv=yes', '3']);
    expect(rec.sink).toEqual(['{"t":"metric","key":"loss","value":0.5}']);
    expect(readFileSync(join(spec.env.MLPIPE_OUTPUT_DIR, 'model.bin'), 'utf8')).toBe('model\n');
    // The local spool files mirror the remote ones.
    expect(readFileSync(spec.spool.stdout, 'utf8')).toBe('lr=0.1 venv=yes\n3\n');
    const lineage = (step as unknown as { lineage(): { host: string; uploaded: { files: number }; inputs: { sha256?: string }[] } }).lineage();
    expect(lineage.host).toBe('127.0.0.1');
    expect(lineage.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lineage.uploaded.files).toBe(2);

    // Same content again: nothing new is uploaded.
    const again = r.start(ws.spec('train', { argv: ['sh', join(ws.code, 'steps/train.sh'), input] }, { inputs: { rows: input }, outputs: { model: 'model.bin' } }), recorder().hooks);
    expect(await again.exited).toEqual({ code: 0, signal: null });
    expect((again as unknown as { lineage(): { uploaded: { files: number } } }).lineage().uploaded.files).toBe(0);

    // Someone cleaned the remote folder: the runner's memory of what the host has is wrong, the hard links
    // fail before anything starts, and the objects are sent again.
    rmSync(join(server.dir, 'work', 'objects'), { recursive: true });
    const third = recorder();
    const after = r.start(ws.spec('train', { argv: ['sh', join(ws.code, 'steps/train.sh'), input] }, { inputs: { rows: input }, outputs: { model: 'model.bin' } }), third.hooks);
    expect(await after.exited).toEqual({ code: 0, signal: null });
    expect(third.stdout[1]).toBe('3');
    expect((after as unknown as { lineage(): { uploaded: { files: number } } }).lineage().uploaded.files).toBe(2);
  });

  it('data already on the host (a remote: path) is referenced where it is, not copied', async () => {
    ws = workspace();
    const onHost = join(server.dir, 'scratch', 'big.csv');
    mkdirSync(join(server.dir, 'scratch'), { recursive: true });
    writeFileSync(onHost, 'x\n1\n2\n');
    const rec = recorder();
    // What the executor passes for `source big { path "remote:/.../big.csv" }`: the path joined to the pipeline's folder.
    const input = join(ws.code, `remote:${onHost}`);
    const step = runner().start(ws.spec('count', { shell: 'wc -l < "$MLPIPE_INPUT_BIG"' }, { inputs: { big: input }, env: { MLPIPE_INPUT_BIG: input } }), rec.hooks);
    expect(await step.exited).toEqual({ code: 0, signal: null });
    expect(rec.stdout).toEqual(['3']);
    const lineage = (step as unknown as { lineage(): { inputs: unknown[]; uploaded: { files: number } } }).lineage();
    expect(lineage.inputs).toEqual([{ name: 'big', remote: onHost, referenced: true }]);
    expect(lineage.uploaded.files).toBe(0);
  });

  it('a failing setup command fails the step with its exit code and says so', async () => {
    ws = workspace();
    const rec = recorder();
    const step = runner({ setup: 'exit 7' }).start(ws.spec('s', { shell: 'echo never' }), rec.hooks);
    expect(await step.exited).toEqual({ code: 7, signal: null });
    expect(rec.stdout).toEqual([]);
    // `exit` in a setup line ends the launch script itself: the status still records the code.
  });

  it('keeps running when sshd goes away, reconnects, and the log has every line exactly once', async () => {
    ws = workspace();
    const rec = recorder();
    const spec = ws.spec('ticker', { shell: 'i=1; while [ $i -le 40 ]; do echo "line $i"; i=$((i+1)); sleep 0.1; done' });
    const step = runner().start(spec, rec.hooks);
    await rec.until('stdout', (l) => l === 'line 5');
    await server.drop();
    // The step goes on without any SSH session: its remote log keeps growing.
    const remoteLog = join(server.dir, 'work', 'attempts', spec.runId, 'ticker.1', 'stdout');
    await waitFor('the detached step to write on while sshd is down', () => existsSync(remoteLog) && readFileSync(remoteLog, 'utf8').split('\n').length > 20, 20_000);
    await server.restart();
    expect(await step.exited).toEqual({ code: 0, signal: null });
    expect(rec.stdout).toEqual(Array.from({ length: 40 }, (_, i) => `line ${i + 1}`));
    expect(rec.stderr.some((l) => /connection to .* lost; reconnecting/.test(l))).toBe(true);
    expect(rec.stderr.some((l) => /reconnected/.test(l))).toBe(true);
    expect(readFileSync(spec.spool.stdout, 'utf8')).toBe(readFileSync(remoteLog, 'utf8'));
  });

  it('cancel ends the whole remote process tree, including a child in its own session', async () => {
    ws = workspace();
    const rec = recorder();
    const spec = ws.spec('sleeper', { shell: 'setsid sleep 300 & sleep 300 & echo started; wait' });
    const step = runner().start(spec, rec.hooks);
    await rec.until('stdout', (l) => l === 'started');
    const token = readFileSync(recordPathOf(spec.spool), 'utf8');
    const tok = (JSON.parse(token) as { handle: { token: string } }).handle.token;
    // The two sleeps carry the token (the shells that started them are in the step's process group).
    await waitFor('both sleeps', () => processesWithEnv(`MLPIPE_STEP_TOKEN=${tok}`).length >= 2, 10_000);
    await step.kill(2000);
    expect(await step.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(processesWithEnv(`MLPIPE_STEP_TOKEN=${tok}`)).toEqual([]);
  });

  it('an unreachable target fails the step with the connection error', async () => {
    ws = workspace();
    const r = new RemoteRunner({
      target: 'gpu', connect: resolveConnectSpec({ host: '127.0.0.1', port: 1, identity: server.clientKey, connectTimeoutMs: 2000 }, home),
      launcher: new SshLauncher(), workdir: '/tmp/never',
    });
    runners.push(r);
    await expect(r.start(ws.spec('s', { shell: 'true' }), recorder().hooks).exited).rejects.toThrow(/connection refused/);
  });
});
