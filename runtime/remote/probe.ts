import type { SshConnection } from './ssh-connection.js';
import { shellPath } from './shell.js';
import { gpusInGres } from './slurm-options.js';

export interface GpuInfo {
  index: number;
  name: string;
  memoryTotalMiB: number;
  memoryUsedMiB: number;
  utilizationPct: number;
}

export interface PartitionInfo {
  name: string;
  isDefault: boolean;
  available: string;
  nodes: number;
  /** As sinfo prints it, e.g. `gpu:a100:4`. */
  gres: string;
  gpusPerNode: number;
  cpusPerNode: string;
  memoryMiBPerNode: string;
  states: string[];
}

export interface HostFacts {
  os: string;
  /** Free space where the working directory is (or its nearest existing parent), bytes. */
  freeDiskBytes?: number;
  diskPath: string;
  gpus: GpuInfo[];
  /** Undefined when the host has no Slurm commands. */
  partitions?: PartitionInfo[];
}

const GPU_QUERY = 'nvidia-smi --query-gpu=index,name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits';
const SINFO = `sinfo -h -o '%P|%a|%D|%G|%c|%m|%T'`;

export function parseGpus(text: string): GpuInfo[] {
  return text.split('\n').map((l) => l.split(',').map((f) => f.trim())).filter((f) => f.length >= 5 && /^\d+$/.test(f[0])).map((f) => ({
    index: Number(f[0]), name: f[1], memoryTotalMiB: Number(f[2]), memoryUsedMiB: Number(f[3]), utilizationPct: Number(f[4]),
  }));
}

/** sinfo lines (one per partition and node state) → one entry per partition. */
export function parseSinfo(text: string): PartitionInfo[] {
  const byName = new Map<string, PartitionInfo>();
  for (const line of text.split('\n')) {
    const f = line.trim().split('|');
    if (f.length < 7) continue;
    const isDefault = f[0].endsWith('*');
    const name = f[0].replace(/\*$/, '');
    const p = byName.get(name) ?? { name, isDefault, available: f[1], nodes: 0, gres: f[3] === '(null)' ? '' : f[3], gpusPerNode: 0, cpusPerNode: f[4], memoryMiBPerNode: f[5], states: [] };
    p.nodes += Number(f[2]) || 0;
    const gres = f[3] === '(null)' ? '' : f[3];
    p.gpusPerNode = Math.max(p.gpusPerNode, gpusInGres(gres.replace(/\(.*?\)/g, '')));
    if (!p.gres && gres) p.gres = gres;
    p.states.push(`${f[2]} ${f[6]}`);
    byName.set(name, p);
  }
  return [...byName.values()];
}

export async function listGpus(c: SshConnection): Promise<GpuInfo[]> {
  const r = await c.exec(`command -v nvidia-smi >/dev/null 2>&1 && ${GPU_QUERY}`);
  return r.code === 0 ? parseGpus(r.stdout) : [];
}

export async function listPartitions(c: SshConnection): Promise<PartitionInfo[]> {
  const r = await c.exec(SINFO);
  return r.code === 0 ? parseSinfo(r.stdout) : [];
}

/** Everything `mlpipe targets check` reports about a host, from one remote command. */
export async function probeHost(c: SshConnection, workdir: string): Promise<HostFacts> {
  const script = [
    'echo @@os; uname -srm; ( . /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" )',
    // The working directory may not exist yet: report the disk of its nearest existing parent.
    `echo @@disk; d=${shellPath(workdir)}; while [ ! -d "$d" ] && [ "$d" != / ]; do d=$(dirname "$d"); done; echo "$d"; df -Pk "$d" 2>/dev/null | tail -n 1`,
    `echo @@gpu; command -v nvidia-smi >/dev/null 2>&1 && ${GPU_QUERY}`,
    `echo @@sinfo; command -v sinfo >/dev/null 2>&1 && echo present && ${SINFO}`,
    'true',
  ].join('\n');
  const out = (await c.exec(`sh -c '${script.replace(/'/g, `'\\''`)}'`)).stdout;
  const sections = new Map<string, string[]>();
  let current = '';
  for (const line of out.split('\n')) {
    const m = /^@@(\w+)$/.exec(line);
    if (m) {
      current = m[1];
      sections.set(current, []);
    } else if (current && line.trim()) sections.get(current)!.push(line);
  }
  const os = sections.get('os') ?? [];
  const disk = sections.get('disk') ?? [];
  const df = (disk[1] ?? '').trim().split(/\s+/);
  const sinfo = sections.get('sinfo') ?? [];
  return {
    os: [os[1], os[0]].filter(Boolean).join(' — ') || 'unknown',
    diskPath: disk[0] ?? workdir,
    freeDiskBytes: df.length >= 4 && /^\d+$/.test(df[3]) ? Number(df[3]) * 1024 : undefined,
    gpus: parseGpus((sections.get('gpu') ?? []).join('\n')),
    partitions: sinfo[0] === 'present' ? parseSinfo(sinfo.slice(1).join('\n')) : undefined,
  };
}
