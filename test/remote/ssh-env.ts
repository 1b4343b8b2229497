import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshEnvironment } from '../../runtime/remote/ssh-options.js';
import type { SshServer } from '../services/sshd.js';

/** A throw-away HOME with ~/.ssh/config and known_hosts, as a user's machine would have them. */
export interface FakeHome extends SshEnvironment {
  ssh: string;
  knownHosts: string;
  writeConfig(text: string): void;
  writeKnownHosts(text: string): void;
  remove(): void;
}

export function fakeHome(server: SshServer): FakeHome {
  const home = mkdtempSync(join(tmpdir(), 'mlpipe-home-'));
  const ssh = join(home, '.ssh');
  mkdirSync(ssh, { mode: 0o700 });
  const knownHosts = join(ssh, 'known_hosts');
  writeFileSync(knownHosts, `[${server.host}]:${server.port} ${server.hostPublicKey}\n`);
  return {
    home,
    localUser: server.user,
    ssh,
    knownHosts,
    writeConfig: (text) => writeFileSync(join(ssh, 'config'), text),
    writeKnownHosts: (text) => writeFileSync(knownHosts, text),
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** A ~/.ssh/config block for the test server under an alias. */
export function hostBlock(alias: string, s: SshServer, key = s.clientKey): string {
  return `Host ${alias}\n  HostName ${s.host}\n  Port ${s.port}\n  User ${s.user}\n  IdentityFile ${key}\n`;
}
