import { setTimeout as delay } from 'node:timers/promises';
import { RemoteError } from './errors.js';
import { SshConnection } from './ssh-connection.js';
import { describeHop, type ConnectSpec } from './ssh-options.js';

export interface RemoteHostOptions {
  /** Progress that is not part of any step's log ("connection lost, reconnecting"). */
  notice?: (message: string) => void;
  /** How long to keep trying after a connection that worked was lost (default 10 minutes). */
  reconnectForMs?: number;
}

/** Errors that another attempt cannot fix: the user has to act. */
const FATAL = new Set(['host-key-unknown', 'host-key-changed', 'host-key-revoked', 'authentication', 'config']);

/**
 * One host's SSH connection, shared by every step on it. The first connection fails fast with the typed
 * error (unknown host key, wrong key, unreachable). Once connected, a lost connection is re-established
 * with exponential backoff (0.25 s doubling to 5 s) for `reconnectForMs`; callers wait meanwhile.
 */
export class RemoteHost {
  private current: SshConnection | undefined;
  private pending: Promise<SshConnection> | undefined;
  private everConnected = false;
  private disposed = false;

  constructor(readonly spec: ConnectSpec, private readonly options: RemoteHostOptions = {}) {}

  get label(): string {
    return describeHop(this.spec);
  }

  async connection(): Promise<SshConnection> {
    if (this.disposed) throw new RemoteError('connection-lost', `the connection to ${this.label} was closed`);
    if (this.current?.isOpen) return this.current;
    this.pending ??= this.establish().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /**
   * Runs an idempotent operation, reconnecting and retrying when the connection drops under it.
   * Errors of the operation itself are passed through.
   */
  async retrying<T>(fn: (c: SshConnection) => Promise<T>): Promise<T> {
    for (;;) {
      const c = await this.connection();
      try {
        return await fn(c);
      } catch (e) {
        if (c.isOpen || this.disposed) throw e;
        // The connection went away mid-operation: the next connection() reconnects.
      }
    }
  }

  close(): void {
    this.disposed = true;
    this.current?.close();
    this.current = undefined;
  }

  private async establish(): Promise<SshConnection> {
    if (!this.everConnected) {
      const c = await SshConnection.open(this.spec);
      return this.adopt(c);
    }
    this.options.notice?.(`connection to ${this.label} lost; reconnecting`);
    const deadline = Date.now() + (this.options.reconnectForMs ?? 600_000);
    let pause = 250;
    let tries = 0;
    for (;;) {
      tries++;
      try {
        const c = await SshConnection.open(this.spec);
        this.options.notice?.(`reconnected to ${this.label} after ${tries} ${tries === 1 ? 'try' : 'tries'}`);
        return this.adopt(c);
      } catch (e) {
        if (e instanceof RemoteError && FATAL.has(e.code)) throw e;
        if (this.disposed) throw e;
        if (Date.now() + pause > deadline) {
          throw new RemoteError('connection-lost', `lost the connection to ${this.label} and could not reconnect within ${Math.round((this.options.reconnectForMs ?? 600_000) / 1000)} s: ${(e as Error).message}`);
        }
      }
      await delay(pause);
      pause = Math.min(5000, pause * 2);
    }
  }

  private adopt(c: SshConnection): SshConnection {
    this.everConnected = true;
    if (this.disposed) {
      c.close();
      throw new RemoteError('connection-lost', `the connection to ${this.label} was closed`);
    }
    this.current = c;
    return c;
  }
}
