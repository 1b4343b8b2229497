import type { Readable } from 'node:stream';
import type { Client, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { loadSsh2 } from './ssh2-module.js';
import { HostKeyError, RemoteError } from './errors.js';
import { fingerprintOf, hostEntryName, keyTypeOf, knownKeyTypes, verifyHostKey } from './known-hosts.js';
import { planAuth } from './ssh-auth.js';
import { describeHop, type ConnectSpec, type HopSpec } from './ssh-options.js';

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Bytes for the command's stdin; a stream is piped (uploads of many files as one tar). */
  stdin?: string | Buffer | Readable;
  signal?: AbortSignal;
}

/** ssh2's default host key algorithms, strongest first. */
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
const ALGORITHMS_OF_TYPE: Record<string, string[]> = { 'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] };

/**
 * OpenSSH servers allow 10 sessions per connection by default (MaxSessions); one is the SFTP channel.
 * More commands at once wait for a free channel instead of failing with "open failed".
 */
const MAX_CHANNELS = 8;

/** One authenticated SSH connection (through its jump hosts), with command execution and SFTP. */
export class SshConnection {
  private sftpChannel: Promise<SFTPWrapper> | undefined;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private lostError: Error | undefined;
  /** Settles when the connection has ended, with the reason when it was not closed by us. */
  readonly closed: Promise<Error | undefined>;
  private closedByUs = false;

  private constructor(private readonly clients: Client[], readonly spec: ConnectSpec) {
    const last = clients[clients.length - 1];
    this.closed = new Promise((resolve) => {
      last.once('close', () => {
        this.lostError ??= this.closedByUs ? undefined : new RemoteError('connection-lost', `the connection to ${describeHop(spec)} was lost`);
        resolve(this.lostError);
      });
      last.on('error', (e) => {
        this.lostError ??= new RemoteError('connection-lost', `the connection to ${describeHop(spec)} was lost: ${e.message}`);
      });
    });
  }

  static async open(spec: ConnectSpec): Promise<SshConnection> {
    const clients: Client[] = [];
    try {
      let sock: Readable | undefined;
      const hops: HopSpec[] = [...spec.jumps, spec];
      for (let i = 0; i < hops.length; i++) {
        const client = await connectHop(hops[i], spec, sock);
        clients.push(client);
        if (i + 1 < hops.length) sock = await forward(client, hops[i + 1], spec.connectTimeoutMs);
      }
    } catch (e) {
      for (const c of clients.reverse()) c.end();
      throw e;
    }
    return new SshConnection(clients, spec);
  }

  get isOpen(): boolean {
    return !this.lostError && !this.closedByUs;
  }

  /** Runs a command (through the login shell, as `ssh host CMD` does) and collects its output. */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const release = await this.channelSlot();
    try {
      const channel = await this.openExec(command);
      return await new Promise<ExecResult>((resolve, reject) => {
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
        const onAbort = () => {
          channel.signal('KILL');
          channel.close();
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        channel.on('data', (d: Buffer) => out.push(d));
        channel.stderr.on('data', (d: Buffer) => err.push(d));
        channel.on('exit', (code: number | null, signal?: string) => {
          exit = { code, signal: signal ?? null };
        });
        channel.on('close', () => {
          options.signal?.removeEventListener('abort', onAbort);
          if (exit.code === null && exit.signal === null && this.lostError) return reject(this.lostError);
          resolve({ ...exit, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
        });
        channel.on('error', reject);
        const input = options.stdin;
        if (input === undefined) channel.end();
        else if (typeof input === 'string' || Buffer.isBuffer(input)) channel.end(input);
        else {
          input.once('error', (e) => {
            channel.close();
            reject(e);
          });
          input.pipe(channel);
        }
      });
    } finally {
      release();
    }
  }

  /** Like exec, but fails with the command's stderr unless it exits 0. */
  async run(command: string, options: ExecOptions = {}): Promise<string> {
    const r = await this.exec(command, options);
    if (r.code !== 0) {
      const what = r.signal ? `signal ${r.signal}` : `exit code ${r.code}`;
      throw new RemoteError('remote-command', `remote command failed on ${describeHop(this.spec)} (${what}): ${(r.stderr || r.stdout).trim().slice(-2000)}`);
    }
    return r.stdout;
  }

  /** The connection's SFTP session, opened once. */
  sftp(): Promise<SFTPWrapper> {
    this.sftpChannel ??= new Promise((resolve, reject) => {
      this.last.sftp((err, sftp) => (err ? reject(this.lostError ?? err) : resolve(sftp)));
    });
    return this.sftpChannel;
  }

  close(): void {
    this.closedByUs = true;
    for (const c of [...this.clients].reverse()) c.end();
  }

  /** Drops the connection at once (tests and cancellation of a hung connection). */
  destroy(): void {
    this.closedByUs = true;
    for (const c of [...this.clients].reverse()) c.destroy();
  }

  private get last(): Client {
    return this.clients[this.clients.length - 1];
  }

  private openExec(command: string): Promise<ClientChannel> {
    if (this.lostError) return Promise.reject(this.lostError);
    return new Promise((resolve, reject) => {
      this.last.exec(command, (err, channel) => (err ? reject(this.lostError ?? err) : resolve(channel)));
    });
  }

  private async channelSlot(): Promise<() => void> {
    if (this.active >= MAX_CHANNELS) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    return () => {
      this.active--;
      this.waiting.shift()?.();
    };
  }
}

function forward(client: Client, next: HopSpec, timeoutMs: number): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new RemoteError('timeout', `the jump host did not open a tunnel to ${describeHop(next)} within ${timeoutMs / 1000} s`)), timeoutMs);
    client.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) => {
      clearTimeout(timer);
      if (err) reject(new RemoteError('unreachable', `the jump host could not reach ${describeHop(next)}: ${err.message}`));
      else resolve(stream);
    });
  });
}

async function connectHop(hop: HopSpec, spec: ConnectSpec, sock: Readable | undefined): Promise<Client> {
  const ssh2 = await loadSsh2();
  const lookupName = hop.hostKeyAlias ?? hop.host;
  const known = knownKeyTypes(hop.knownHostsFiles, lookupName, hop.port);
  const preferred = known.flatMap((t) => ALGORITHMS_OF_TYPE[t] ?? [t]).filter((a) => HOST_KEY_ALGORITHMS.includes(a));
  const auth = planAuth(hop, spec.agent, ssh2.utils);
  let hostKeyError: HostKeyError | undefined;
  const config: ConnectConfig = {
    host: hop.host,
    port: hop.port,
    username: hop.user,
    sock,
    readyTimeout: spec.connectTimeoutMs,
    keepaliveInterval: 5000,
    keepaliveCountMax: 3,
    // Prefer the key types known_hosts has for this host, so a host with several keys is not reported
    // as "unknown" merely because it offered another type first (OpenSSH does the same).
    algorithms: { serverHostKey: [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])] as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
    hostVerifier: (key: Buffer) => {
      const verdict = verifyHostKey(hop.knownHostsFiles, lookupName, hop.port, key);
      if (verdict.kind === 'match') return true;
      const type = keyTypeOf(key);
      hostKeyError = new HostKeyError(
        verdict.kind === 'unknown' ? 'host-key-unknown' : verdict.kind === 'changed' ? 'host-key-changed' : 'host-key-revoked',
        hostEntryName(lookupName, hop.port), lookupName, hop.port, type, fingerprintOf(key), `${type} ${key.toString('base64')}`, hop.trustFile,
      );
      return false;
    },
    authHandler: auth.methods,
  };
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      client.destroy();
      reject(e);
    };
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    // `on`, not `once`: ssh2 may emit a second error while tearing down, which must not go unhandled.
    client.on('error', (e: Error & { level?: string; code?: string }) => fail(hostKeyError ?? classify(e, hop, spec, auth)));
    client.once('close', () => fail(hostKeyError ?? new RemoteError('connection-lost', `${describeHop(hop)} closed the connection during the handshake`)));
    if (!auth.methods.length) {
      fail(new RemoteError('authentication', `no way to authenticate to ${describeHop(hop)}: no usable key${auth.skipped.length ? ` (${auth.skipped.join('; ')})` : ''} and no ssh-agent (SSH_AUTH_SOCK)`));
      return;
    }
    client.connect(config);
  });
}

function classify(e: Error & { level?: string; code?: string }, hop: HopSpec, spec: ConnectSpec, auth: { offered: string[]; skipped: string[] }): RemoteError {
  const where = describeHop(hop);
  if (e.level === 'client-authentication') {
    const skipped = auth.skipped.length ? `; not offered: ${auth.skipped.join('; ')}` : '';
    return new RemoteError('authentication', `authentication to ${where} failed: the server accepted none of ${auth.offered.join(', ') || 'the offered methods'}${skipped}`);
  }
  if (e.level === 'client-timeout') return new RemoteError('timeout', `no SSH answer from ${hop.host}:${hop.port} within ${spec.connectTimeoutMs / 1000} s (host down, firewalled, or not an SSH server)`);
  switch (e.code) {
    case 'ECONNREFUSED': return new RemoteError('unreachable', `cannot reach ${hop.host}:${hop.port}: connection refused (no SSH server on that port?)`);
    case 'ENOTFOUND': case 'EAI_AGAIN': return new RemoteError('unreachable', `cannot reach ${hop.alias}: unknown host name '${hop.host}'`);
    case 'EHOSTUNREACH': case 'ENETUNREACH': return new RemoteError('unreachable', `cannot reach ${hop.host}:${hop.port}: no route to host`);
    case 'ETIMEDOUT': return new RemoteError('timeout', `cannot reach ${hop.host}:${hop.port}: timed out`);
    case 'ECONNRESET': return new RemoteError('connection-lost', `${where} reset the connection during the handshake`);
  }
  return new RemoteError('connection-lost', `SSH connection to ${where} failed: ${e.message}`);
}
