// The SSH layer against a real OpenSSH server: ~/.ssh/config aliases, known_hosts (plain and hashed),
// unknown/changed host keys refused with the fingerprint, trust-once, wrong key, unreachable and silent
// hosts within the connect timeout, ProxyJump, ssh-agent, and a dropped connection.
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HostKeyError, RemoteError } from '../../runtime/remote/errors.js';
import { hashedName, trustHostKey } from '../../runtime/remote/known-hosts.js';
import { SshConnection } from '../../runtime/remote/ssh-connection.js';
import { resolveConnectSpec, type SshTargetOptions } from '../../runtime/remote/ssh-options.js';
import { freePort } from '../../scripts/lib/free-port.js';
import { startSshd, type SshServer } from '../services/sshd.js';
import { waitFor } from '../services/wait.js';
import { fakeHome, hostBlock, type FakeHome } from './ssh-env.js';

let server: SshServer;
let home: FakeHome;
const open: SshConnection[] = [];

beforeAll(async () => {
  server = await startSshd();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => {
  for (const c of open.splice(0)) c.close();
  home?.remove();
});

async function connect(target: SshTargetOptions, h = home): Promise<SshConnection> {
  const c = await SshConnection.open(resolveConnectSpec(target, h));
  open.push(c);
  return c;
}

async function refusal(target: SshTargetOptions, h = home): Promise<RemoteError> {
  const e = await connect(target, h).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(RemoteError);
  return e as RemoteError;
}

const fingerprint = (pubFile: string) => execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).split(' ')[1];

describe('SSH connections', () => {
  it('connects through a ~/.ssh/config alias (HostName, Port, User, IdentityFile) and runs commands', async () => {
    home = fakeHome(server);
    home.writeConfig(hostBlock('gpu-box', server));
    const c = await connect({ host: 'gpu-box' });
    expect(c.spec).toMatchObject({ host: '127.0.0.1', port: server.port, user: server.user, identityFiles: [server.clientKey] });
    const r = await c.exec('echo out; echo err >&2; exit 3');
    expect(r).toEqual({ code: 3, signal: null, stdout: 'out\n', stderr: 'err\n' });
    expect(await c.run('cat', { stdin: 'piped' })).toBe('piped');
  });

  it('values written in the target win over ~/.ssh/config', async () => {
    home = fakeHome(server);
    home.writeConfig(`Host box\n  HostName ${server.host}\n  Port 1\n  User nobody\n  IdentityFile ${server.otherKey}\n`);
    const c = await connect({ host: 'box', port: server.port, user: server.user, identity: server.clientKey });
    expect((await c.run('echo ok')).trim()).toBe('ok');
  });

  it('accepts a hashed known_hosts entry', async () => {
    home = fakeHome(server);
    home.writeKnownHosts(`${hashedName(`[${server.host}]:${server.port}`)} ${server.hostPublicKey}\n`);
    const c = await connect({ host: server.host, port: server.port, identity: server.clientKey });
    expect((await c.run('echo ok')).trim()).toBe('ok');
  });

  it('refuses an unknown host key with its SHA256 fingerprint, and connects once the user trusted it', async () => {
    home = fakeHome(server);
    home.writeKnownHosts('');
    const e = await refusal({ host: server.host, port: server.port, identity: server.clientKey });
    expect(e).toBeInstanceOf(HostKeyError);
    const hk = e as HostKeyError;
    expect(hk.code).toBe('host-key-unknown');
    expect(hk.fingerprint).toBe(fingerprint(join(server.dir, 'host_ed25519.pub')));
    expect(hk.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(hk.message).toContain(hk.fingerprint);
    expect(hk.publicKey).toBe(server.hostPublicKey);
    expect(hk.knownHostsFile).toBe(home.knownHosts);
    trustHostKey(hk.knownHostsFile, hk.host, hk.port, hk.publicKey, { hash: true });
    const c = await connect({ host: server.host, port: server.port, identity: server.clientKey });
    expect((await c.run('echo ok')).trim()).toBe('ok');
    // What `ssh` itself makes of the line we wrote: it finds the host in the hashed file.
    expect(execFileSync('ssh-keygen', ['-F', `[${server.host}]:${server.port}`, '-f', home.knownHosts], { encoding: 'utf8' })).toContain('ssh-ed25519');
  });

  it('refuses a changed host key', async () => {
    home = fakeHome(server);
    const otherPub = execFileSync('ssh-keygen', ['-y', '-f', server.otherKey], { encoding: 'utf8' }).trim().split(' ').slice(0, 2).join(' ');
    home.writeKnownHosts(`[${server.host}]:${server.port} ${otherPub}\n`);
    const e = await refusal({ host: server.host, port: server.port, identity: server.clientKey });
    expect(e.code).toBe('host-key-changed');
    expect(e.message).toMatch(/CHANGED/);
    expect((e as HostKeyError).fingerprint).toBe(fingerprint(join(server.dir, 'host_ed25519.pub')));
  });

  it('a wrong key is a clear authentication error naming what was offered', async () => {
    home = fakeHome(server);
    const e = await refusal({ host: server.host, port: server.port, user: server.user, identity: server.otherKey });
    expect(e.code).toBe('authentication');
    expect(e.message).toBe(`authentication to ${server.user}@127.0.0.1:${server.port} failed: the server accepted none of key ${server.otherKey}`);
  });

  it('a closed port is "unreachable" at once; a silent host is a timeout within the connect timeout', async () => {
    home = fakeHome(server);
    const closed = await freePort();
    let t = performance.now();
    const refused = await refusal({ host: '127.0.0.1', port: closed, identity: server.clientKey, connectTimeoutMs: 2000 });
    expect(refused.code).toBe('unreachable');
    expect(refused.message).toMatch(/connection refused/);
    expect(performance.now() - t).toBeLessThan(1000);

    // Accepts TCP but never speaks SSH: what a firewall that swallows packets looks like to the handshake.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      t = performance.now();
      const timeout = await refusal({ host: '127.0.0.1', port, identity: server.clientKey, connectTimeoutMs: 1000 });
      const took = performance.now() - t;
      expect(timeout.code).toBe('timeout');
      expect(timeout.message).toMatch(/within 1 s/);
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(2500);
    } finally {
      silent.close();
    }
  });

  it('an unknown host name is a clear error', async () => {
    home = fakeHome(server);
    const e = await refusal({ host: 'no-such-host.invalid', identity: server.clientKey, connectTimeoutMs: 5000 });
    expect(e.code).toBe('unreachable');
    expect(e.message).toMatch(/unknown host name/);
  });

  it('reaches the host through a ProxyJump hop', async () => {
    home = fakeHome(server);
    home.writeConfig(`${hostBlock('bastion', server)}\n${hostBlock('inner', server)}  ProxyJump bastion\n`);
    const c = await connect({ host: 'inner' });
    expect(c.spec.jumps.map((j) => j.alias)).toEqual(['bastion']);
    // The inner connection arrives from the jump host's side of the tunnel (sshd sees a forwarded channel).
    expect((await c.run('echo through')).trim()).toBe('through');
  });

  it('uses ssh-agent when SSH_AUTH_SOCK is set and no identity is named', async () => {
    home = fakeHome(server);
    const sock = join(home.home, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      await waitFor('ssh-agent socket', () => {
        try {
          execFileSync('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
          return true;
        } catch (e) {
          // ssh-add -l exits 1 for "no identities" once the agent answers, 2 when it cannot connect.
          return (e as { status?: number }).status === 1;
        }
      }, 10_000);
      execFileSync('ssh-add', [server.clientKey], { env: { SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const c = await connect({ host: server.host, port: server.port }, { ...home, agentSocket: sock });
      expect(c.spec.agent).toBe(sock);
      expect(c.spec.identityFiles).toEqual([]);
      expect((await c.run('echo agent')).trim()).toBe('agent');
    } finally {
      agent.kill();
    }
  });

  it('reports a dropped connection, and connects again once sshd is back', async () => {
    home = fakeHome(server);
    const c = await connect({ host: server.host, port: server.port, identity: server.clientKey });
    await server.drop();
    try {
      const reason = await c.closed;
      expect(reason?.message).toMatch(/lost/);
      expect(c.isOpen).toBe(false);
      await expect(c.exec('true')).rejects.toThrow(/lost/);
      const e = await refusal({ host: server.host, port: server.port, identity: server.clientKey });
      expect(e.code).toBe('unreachable');
    } finally {
      await server.restart();
    }
    const again = await connect({ host: server.host, port: server.port, identity: server.clientKey });
    expect((await again.run('echo back')).trim()).toBe('back');
  });
});
