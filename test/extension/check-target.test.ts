// "MLPipe: Check Target" in the real extension host against a real OpenSSH server: an unknown host key is
// shown to the user with its SHA256 fingerprint and added to known_hosts only when they say so.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { fingerprintOf } from '../../runtime/remote/known-hosts.js';
import { startSshd, type SshServer } from '../services/sshd.js';
import { fakeHome, type FakeHome } from '../remote/ssh-env.js';
import type { TrustQuestion } from '../../extension/targets/check-target.js';
import { mlpipe } from './helpers.js';

suite('Check Target: host keys over a real sshd', () => {
  let server: SshServer;
  let home: FakeHome;
  let dir: string;
  let file: vscode.Uri;

  suiteSetup(async function () {
    this.timeout(60_000);
    server = await startSshd();
    home = fakeHome(server);
    dir = mkdtempSync(join(tmpdir(), 'mlpipe-check-target-'));
    const path = join(dir, 'remote.mlpipe');
    writeFileSync(path, `pipeline remote {
  step hello: shell {
    command "echo hello"
    target box
  }
}

target box: ssh {
  host "${server.host}"
  port ${server.port}
  user "${server.user}"
  identity "${server.clientKey}"
}
`);
    file = vscode.Uri.file(path);
    await vscode.workspace.openTextDocument(file);
  });

  suiteTeardown(async () => {
    await server?.stop();
    home?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const hostFingerprint = () => fingerprintOf(Buffer.from(server.hostPublicKey.split(' ')[1], 'base64'));

  test('an unknown host key is shown with its fingerprint; declining leaves known_hosts as it was', async function () {
    this.timeout(60_000);
    const api = await mlpipe();
    home.writeKnownHosts('');
    const asked: TrustQuestion[] = [];
    const report = await api.checkTarget(file, 'box', { env: home, confirmTrust: async (q) => (asked.push(q), false) });
    assert.equal(asked.length, 1);
    assert.equal(asked[0].fingerprint, hostFingerprint());
    assert.equal(asked[0].hostEntry, `[${server.host}]:${server.port}`);
    assert.equal(report?.ok, false);
    assert.equal(report?.error?.code, 'host-key-unknown');
    assert.equal(readFileSync(home.knownHosts, 'utf8'), '');
  });

  test('trusting it adds the key to known_hosts (hashed) and the check connects; the next check asks nothing', async function () {
    this.timeout(60_000);
    const api = await mlpipe();
    home.writeKnownHosts('');
    const asked: TrustQuestion[] = [];
    const report = await api.checkTarget(file, 'box', { env: home, confirmTrust: async (q) => (asked.push(q), true) });
    assert.equal(asked.length, 1);
    assert.equal(report?.ok, true, JSON.stringify(report?.error));
    assert.ok((report?.connectMs ?? -1) >= 0);
    const known = readFileSync(home.knownHosts, 'utf8');
    assert.match(known, /^\|1\|/, 'the entry is hashed, as OpenSSH writes it with HashKnownHosts');
    assert.ok(known.includes(server.hostPublicKey.split(' ')[1]));
    const again = await api.checkTarget(file, 'box', { env: home, confirmTrust: async () => assert.fail('asked again about a trusted key') });
    assert.equal(again?.ok, true);
  });

  test('a changed host key is refused without a way to trust it', async function () {
    this.timeout(60_000);
    const api = await mlpipe();
    // known_hosts holds a different ed25519 key for this host: a man in the middle, or a reinstalled host.
    home.writeKnownHosts(`[${server.host}]:${server.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`);
    const report = await api.checkTarget(file, 'box', { env: home, confirmTrust: async () => assert.fail('offered to trust a changed key') });
    assert.equal(report?.ok, false);
    assert.equal(report?.error?.code, 'host-key-changed');
    assert.ok(report?.error?.message.includes(hostFingerprint()), report?.error?.message);
  });
});
