import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/lib/free-port.js';
import { spawnGroup, stopGroup } from '../../scripts/lib/process-group.js';
import { ownedTempDir, type OwnedTempDir } from '../../scripts/lib/temp-dir.js';
import { requireProgram } from './packages.js';
import { descendants, killAll } from './proc-tree.js';
import { pidAlive, portOpen, waitFor } from './wait.js';

/** A real OpenSSH server on 127.0.0.1 with its own config, host key and one authorised client key. */
export interface SshServer {
  host: string;
  port: number;
  user: string;
  /** The server's folder (config, keys, logs); tests put remote working directories under it too. */
  dir: string;
  /** Private key the server accepts. */
  clientKey: string;
  /** A valid key the server does not accept. */
  otherKey: string;
  /** `ssh-ed25519 AAAA...` */
  hostPublicKey: string;
  /** A known_hosts file that trusts this server (`[127.0.0.1]:PORT ssh-ed25519 ...`). */
  knownHosts: string;
  /** sshd's log (-E). */
  log: string;
  /**
   * Kills the listener and every connection's sshd process (as a crash or a reboot of sshd would), but
   * not the processes users started: their sessions end, their detached jobs go on.
   */
  drop(): Promise<void>;
  /** Starts sshd again on the same port with the same keys. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface SshServerOptions {
  /** Extra lines for sshd_config, e.g. `SetEnv SLURM_CONF=...`. */
  extraConfig?: string[];
}

const SSHD = '/usr/sbin/sshd';

export async function startSshd(options: SshServerOptions = {}): Promise<SshServer> {
  requireProgram(SSHD, 'openssh-server');
  const tmp: OwnedTempDir = ownedTempDir('mlpipe-sshd-');
  const dir = tmp.path;
  const port = await freePort();
  const keygen = (file: string, comment: string) =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', join(dir, file)], { stdio: 'ignore' });
  keygen('host_ed25519', 'mlpipe-test-host');
  keygen('client_ed25519', 'mlpipe-test-client');
  keygen('other_ed25519', 'mlpipe-test-other');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')));
  const hostPublicKey = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPublicKey}\n`);
  const config = join(dir, 'sshd_config');
  writeFileSync(config, [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    // Temp folders are world-writable: sshd's ownership checks would refuse the key files.
    'StrictModes no',
    'Subsystem sftp internal-sftp',
    // Tests open many connections at once (a run, a log follower, a check).
    'MaxStartups 100',
    'MaxSessions 100',
    ...(options.extraConfig ?? []),
    '',
  ].join('\n'));
  const log = join(dir, 'sshd.log');
  // sshd insists on its privilege-separation folder.
  mkdirSync('/run/sshd', { recursive: true });

  let child: ChildProcess | undefined;
  const launch = async () => {
    // -D: stay in the foreground as our child, so stop() owns it; -E: log to a file.
    child = spawnGroup(SSHD, ['-D', '-f', config, '-E', log], { stdio: 'ignore' });
    const c = child;
    await waitFor(`sshd on 127.0.0.1:${port}`, async () => {
      if (c.exitCode !== null) throw new Error(`sshd exited with ${c.exitCode}: ${readFileSync(log, 'utf8').slice(-500)}`);
      return portOpen(port);
    }, 10_000);
  };
  const killConnections = async () => {
    if (!child?.pid) return;
    const pids = descendants(child.pid, 'sshd');
    killAll(pids);
    await waitFor('connection processes of sshd to end', () => pids.every((p) => !pidAlive(p)), 10_000);
  };
  await launch();
  return {
    host: '127.0.0.1',
    port,
    user: userInfo().username,
    dir,
    clientKey: join(dir, 'client_ed25519'),
    otherKey: join(dir, 'other_ed25519'),
    hostPublicKey,
    knownHosts: join(dir, 'known_hosts'),
    log,
    async drop() {
      // Listener first, so no new connection slips in, then each connection's sshd.
      const pids = child?.pid ? descendants(child.pid, 'sshd') : [];
      if (child) await stopGroup(child, 0);
      killAll(pids);
      await waitFor('connection processes of sshd to end', () => pids.every((p) => !pidAlive(p)), 10_000);
      child = undefined;
    },
    async restart() {
      if (child) throw new Error('sshd is already running');
      await launch();
    },
    async stop() {
      await killConnections();
      if (child) await stopGroup(child, 2000);
      child = undefined;
      tmp.release();
    },
  };
}
