import { parseArgs } from 'node:util';
import type { TargetModel } from '../../language-server/model/pipeline-model.js';
import { trustHostKey } from '../remote/known-hosts.js';
import { checkTarget, describeTarget, type TargetReport } from '../remote/target-check.js';
import { UsageError, type Io } from './output.js';
import { loadForRun } from './pipeline-cli.js';

/**
 * `mlpipe targets list FILE [--json]`, `targets check FILE NAME [--json]` and `targets trust FILE NAME`.
 * `check` connects and reports reachability, latency, OS, free disk, GPUs and Slurm partitions; exit 1
 * when the target cannot be used. `trust` adds the host key the target presents to known_hosts after
 * showing its fingerprint (what the extension does behind its "Trust" button).
 */
export async function targetsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { json: { type: 'boolean', default: false }, workspace: { type: 'string' }, yes: { type: 'boolean', default: false } },
  });
  const [sub, file, name] = positionals;
  if (!sub || !file || !['list', 'check', 'trust'].includes(sub)) throw new UsageError('targets: use `targets list FILE`, `targets check FILE NAME` or `targets trust FILE NAME`');
  const loaded = await loadForRun(file, io, values.workspace);
  if (typeof loaded === 'number') return loaded;
  const targets = loaded.model.targets;
  if (sub === 'list') {
    const rows = targets.map(describeTarget);
    if (values.json) io.out(JSON.stringify(rows));
    else for (const r of rows) io.out(`${r.name.padEnd(16)} ${r.kind.padEnd(6)} ${r.where}`);
    return 0;
  }
  const t = findTarget(targets, name);
  if (sub === 'trust') return trust(t, loaded.workspace.root, io, values.yes);
  const report = await checkTarget(t, { workspaceRoot: loaded.workspace.root });
  if (values.json) io.out(JSON.stringify(report));
  else printReport(report, io);
  return report.ok ? 0 : 1;
}

function findTarget(targets: TargetModel[], name: string | undefined): TargetModel {
  if (!name) throw new UsageError('targets: name the target');
  const t = targets.find((x) => x.name === name);
  if (!t) throw new UsageError(`targets: no target '${name}' (targets: ${targets.map((x) => x.name).join(', ') || 'none'})`);
  return t;
}

async function trust(t: TargetModel, workspaceRoot: string, io: Io, yes: boolean): Promise<number> {
  const report = await checkTarget(t, { workspaceRoot });
  const e = report.error;
  if (report.ok || !e || e.code !== 'host-key-unknown') {
    if (report.ok) io.out(`${t.name}: the host key is already trusted`);
    else io.err(`mlpipe: ${t.name}: ${e?.message ?? 'cannot check the target'}`);
    return report.ok ? 0 : 1;
  }
  const hk = e.hostKey;
  if (!hk) return 1;
  io.out(`${hk.hostEntry} presents ${hk.keyType} ${hk.fingerprint}`);
  if (!yes) {
    io.out('Compare it with the fingerprint the host\'s administrator gives you, then run again with --yes to trust it.');
    return 1;
  }
  trustHostKey(hk.knownHostsFile, hk.host, hk.port, hk.publicKey, { hash: true });
  io.out(`added to ${hk.knownHostsFile}`);
  return 0;
}

function printReport(r: TargetReport, io: Io): void {
  io.out(`${r.name} (${r.kind}, ${r.where})`);
  if (!r.ok) {
    io.out(`  unreachable: ${r.error?.message}`);
    if (r.error?.fingerprint) io.out(`  host key fingerprint: ${r.error.fingerprint}`);
    return;
  }
  io.out(`  reachable: connected in ${r.connectMs} ms, round trip ${r.latencyMs} ms`);
  io.out(`  os: ${r.os}`);
  io.out(`  free disk: ${r.freeDiskBytes === undefined ? 'unknown' : `${(r.freeDiskBytes / 2 ** 30).toFixed(1)} GiB`} (${r.diskPath})`);
  io.out(`  gpus: ${r.gpus.length ? r.gpus.map((g) => `#${g.index} ${g.name} ${g.memoryUsedMiB}/${g.memoryTotalMiB} MiB ${g.utilizationPct}%`).join('; ') : 'none'}`);
  if (r.partitions) {
    for (const p of r.partitions) io.out(`  partition ${p.name}${p.isDefault ? ' (default)' : ''}: ${p.available}, ${p.nodes} node(s), gpus/node ${p.gpusPerNode}${p.gres ? ` (${p.gres})` : ''}, ${p.states.join(', ')}`);
  }
  for (const w of r.warnings) io.out(`  warning: ${w}`);
}
