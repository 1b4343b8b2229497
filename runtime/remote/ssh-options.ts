import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { RemoteError } from './errors.js';

/** What a `target NAME: ssh` (or a slurm target's login host) says about the connection. */
export interface SshTargetOptions {
  /** Host name or ~/.ssh/config alias. */
  host: string;
  user?: string;
  port?: number;
  identity?: string;
  /** `[user@]host[:port]`, comma-separated for several hops, or a ~/.ssh/config alias. */
  proxyJump?: string;
  connectTimeoutMs?: number;
}

/** One SSH hop, fully resolved. */
export interface HopSpec {
  /** The name the user wrote (alias); shown in messages. */
  alias: string;
  /** The address connected to (HostName). */
  host: string;
  port: number;
  user: string;
  /** Private key files to offer, in order. */
  identityFiles: string[];
  /** Offer only `identityFiles` (no agent keys), as `IdentitiesOnly yes`. */
  identitiesOnly: boolean;
  knownHostsFiles: string[];
  /** Where a trusted key is added: the first user known_hosts file. */
  trustFile: string;
  /** Name looked up in known_hosts instead of the host (`HostKeyAlias`). */
  hostKeyAlias?: string;
}

export interface ConnectSpec extends HopSpec {
  /** Jump hosts, first to last; the target is reached through the last. */
  jumps: HopSpec[];
  connectTimeoutMs: number;
  /** ssh-agent socket, when one is to be used. */
  agent?: string;
}

/** Where the user's SSH settings live; tests point it at their own folder. */
export interface SshEnvironment {
  home: string;
  localUser: string;
  agentSocket?: string;
}

export function defaultSshEnvironment(): SshEnvironment {
  return { home: process.env.HOME || homedir(), localUser: userInfo().username, agentSocket: process.env.SSH_AUTH_SOCK || undefined };
}

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

type Computed = Record<string, string | string[]>;

function loadConfig(env: SshEnvironment): SSHConfig | undefined {
  const file = join(env.home, '.ssh', 'config');
  if (!existsSync(file)) return undefined;
  try {
    return SSHConfig.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RemoteError('config', `cannot read ${file}: ${(e as Error).message}`);
  }
}

function computeFor(config: SSHConfig | undefined, alias: string): Computed {
  // Keys lower-cased as OpenSSH treats them; `Match exec` is not run: reading settings must not run commands.
  return config ? config.compute(alias, { ignoreCase: true, matchExec: false }) : {};
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `~` and the tokens OpenSSH expands in file names (%d home, %u local user, %h host, %r remote user, %p port). */
function expandPath(path: string, env: SshEnvironment, hop: { host: string; user: string; port: number }): string {
  const tokens: Record<string, string> = { '%': '%', d: env.home, u: env.localUser, h: hop.host, r: hop.user, p: String(hop.port) };
  const p = path.replace(/%([%duhrp])/g, (_, t: string) => tokens[t]);
  return p === '~' ? env.home : p.startsWith('~/') ? join(env.home, p.slice(2)) : p;
}

/** `user@host:port` → parts (IPv6 in brackets: `[::1]:2222`). */
export function parseHostSpec(spec: string): { user?: string; host: string; port?: number } {
  let rest = spec.trim();
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) return { user, host: bracket[1], port: bracket[2] ? Number(bracket[2]) : undefined };
  const colon = rest.split(':');
  if (colon.length === 2 && /^\d+$/.test(colon[1])) return { user, host: colon[0], port: Number(colon[1]) };
  return { user, host: rest };
}

function resolveHop(alias: string, explicit: { user?: string; port?: number; identity?: string }, config: SSHConfig | undefined, env: SshEnvironment): HopSpec & { proxyJump?: string; connectTimeoutMs?: number; identityAgent?: string } {
  const c = computeFor(config, alias);
  const host = first(c.hostname)?.replace(/%h/g, alias) ?? alias;
  const port = explicit.port ?? (first(c.port) ? Number(first(c.port)) : 22);
  const user = explicit.user ?? first(c.user) ?? env.localUser;
  const where = { host, user, port };
  const configured = all(c.identityfile).map((f) => expandPath(f, env, where));
  const identityFiles = explicit.identity
    ? [expandPath(explicit.identity, env, where)]
    : configured.length
      ? configured
      : DEFAULT_IDENTITIES.map((f) => join(env.home, '.ssh', f)).filter((f) => existsSync(f));
  const userKnown = all(c.userknownhostsfile).flatMap((v) => v.split(/\s+/)).filter(Boolean).map((f) => expandPath(f, env, where));
  const userFiles = userKnown.length ? userKnown : [join(env.home, '.ssh', 'known_hosts'), join(env.home, '.ssh', 'known_hosts2')];
  const globalFiles = all(c.globalknownhostsfile).flatMap((v) => v.split(/\s+/)).filter(Boolean);
  const timeout = first(c.connecttimeout);
  return {
    alias,
    host,
    port,
    user,
    identityFiles,
    // An identity named in the target is meant to be the one used: like `ssh -i` with IdentitiesOnly.
    identitiesOnly: Boolean(explicit.identity) || first(c.identitiesonly)?.toLowerCase() === 'yes',
    knownHostsFiles: [...userFiles, ...(globalFiles.length ? globalFiles : ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'])],
    trustFile: userFiles[0],
    hostKeyAlias: first(c.hostkeyalias),
    proxyJump: first(c.proxyjump),
    connectTimeoutMs: timeout && /^\d+$/.test(timeout) ? Number(timeout) * 1000 : undefined,
    identityAgent: first(c.identityagent),
  };
}

/**
 * Resolves a target into everything a connection needs, the way `ssh` would: values written in the
 * target win, then ~/.ssh/config for the alias (Host blocks, first value wins), then OpenSSH's defaults.
 * Include and Match exec are not followed (documented in docs/remote.md).
 */
export function resolveConnectSpec(target: SshTargetOptions, env: SshEnvironment = defaultSshEnvironment()): ConnectSpec {
  if (!target.host) throw new RemoteError('config', 'the target names no host');
  const config = loadConfig(env);
  const main = resolveHop(target.host, target, config, env);
  const jumpText = target.proxyJump ?? main.proxyJump;
  const jumps: HopSpec[] = [];
  if (jumpText && jumpText.toLowerCase() !== 'none') {
    for (const hop of jumpText.split(',')) {
      const p = parseHostSpec(hop);
      const r = resolveHop(p.host, { user: p.user, port: p.port }, config, env);
      jumps.push(strip(r));
    }
  }
  let agent: string | undefined = env.agentSocket;
  if (main.identityAgent) {
    const a = main.identityAgent;
    agent = a.toLowerCase() === 'none' ? undefined : a === 'SSH_AUTH_SOCK' ? env.agentSocket : expandPath(a, env, main);
  }
  return { ...strip(main), jumps, connectTimeoutMs: target.connectTimeoutMs ?? main.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, agent };
}

function strip(h: HopSpec & { proxyJump?: string; connectTimeoutMs?: number; identityAgent?: string }): HopSpec {
  const { proxyJump: _p, connectTimeoutMs: _c, identityAgent: _a, ...hop } = h;
  return hop;
}

/** `user@host:port` for messages. */
export function describeHop(h: HopSpec): string {
  return `${h.user}@${h.host}${h.port === 22 ? '' : `:${h.port}`}`;
}
