import { hostname } from 'node:os';
import type { TargetModel } from '../../language-server/model/pipeline-model.js';
import { defaultWorkdir } from './attempt-layout.js';
import { HostKeyError, RemoteError } from './errors.js';
import { probeHost, type GpuInfo, type PartitionInfo } from './probe.js';
import { SshConnection } from './ssh-connection.js';
import { defaultSshEnvironment, describeHop, resolveConnectSpec, type SshEnvironment } from './ssh-options.js';
import { isRemoteKind, sshOptionsOf } from './targets.js';
import { sftpRealpath } from './sftp-io.js';

export interface TargetReport {
  name: string;
  kind: string;
  where: string;
  ok: boolean;
  error?: {
    code: string;
    message: string;
    fingerprint?: string;
    /** An unknown or changed host key: what `targets trust` (or the extension's Trust button) adds. */
    hostKey?: { hostEntry: string; host: string; port: number; keyType: string; fingerprint: string; publicKey: string; knownHostsFile: string };
  };
  connectMs?: number;
  /** One SFTP round trip (no process started on the host). */
  latencyMs?: number;
  os?: string;
  freeDiskBytes?: number;
  diskPath?: string;
  gpus: GpuInfo[];
  partitions?: PartitionInfo[];
  warnings: string[];
}

export function describeTarget(t: TargetModel): { name: string; kind: string; where: string } {
  if (!isRemoteKind(t.kind)) return { name: t.name, kind: t.kind, where: 'this machine' };
  try {
    const o = sshOptionsOf(t);
    const extra = t.kind === 'slurm' ? ['partition', 'account', 'qos', 'gres'].filter((k) => t.options[k] !== undefined).map((k) => `${k}=${t.options[k]}`).join(' ') : '';
    return { name: t.name, kind: t.kind, where: `${o.user ? `${o.user}@` : ''}${o.host}${o.port ? `:${o.port}` : ''}${extra ? ` ${extra}` : ''}` };
  } catch (e) {
    return { name: t.name, kind: t.kind, where: (e as Error).message };
  }
}

/** Connects to a target and reports what a user choosing it wants to know. Never throws for the target's problems. */
export async function checkTarget(t: TargetModel, ctx: { workspaceRoot: string; env?: SshEnvironment }): Promise<TargetReport> {
  const base: TargetReport = { ...describeTarget(t), ok: true, gpus: [], warnings: [] };
  if (!isRemoteKind(t.kind)) return base;
  let conn: SshConnection | undefined;
  try {
    const spec = resolveConnectSpec(sshOptionsOf(t), ctx.env ?? defaultSshEnvironment());
    base.where = `${describeHop(spec)}${spec.jumps.length ? ` via ${spec.jumps.map(describeHop).join(', ')}` : ''}`;
    let started = performance.now();
    conn = await SshConnection.open(spec);
    base.connectMs = Math.round(performance.now() - started);
    const sftp = await conn.sftp();
    started = performance.now();
    await sftpRealpath(sftp, '.');
    base.latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const workdir = typeof t.options.workdir === 'string' ? t.options.workdir : defaultWorkdir(ctx.workspaceRoot, hostname());
    const facts = await probeHost(conn, workdir);
    Object.assign(base, { os: facts.os, freeDiskBytes: facts.freeDiskBytes, diskPath: facts.diskPath, gpus: facts.gpus, partitions: facts.partitions });
    if (t.kind === 'slurm') {
      if (!facts.partitions) base.warnings.push('no Slurm commands (sinfo) on the login host');
      else if (typeof t.options.partition === 'string' && !facts.partitions.some((p) => p.name === t.options.partition)) {
        base.warnings.push(`partition '${t.options.partition}' does not exist (partitions: ${facts.partitions.map((p) => p.name).join(', ')})`);
      }
    }
    if (base.freeDiskBytes !== undefined && base.freeDiskBytes < 1 << 30) base.warnings.push('less than 1 GiB free where the working directory is');
  } catch (e) {
    base.ok = false;
    const err = e instanceof RemoteError ? e : new RemoteError('connection-lost', (e as Error).message);
    base.error = { code: err.code, message: err.message };
    if (err instanceof HostKeyError) {
      base.error.fingerprint = err.fingerprint;
      base.error.hostKey = { hostEntry: err.hostEntry, host: err.host, port: err.port, keyType: err.keyType, fingerprint: err.fingerprint, publicKey: err.publicKey, knownHostsFile: err.knownHostsFile };
    }
  } finally {
    conn?.close();
  }
  return base;
}
