import { parseArgs } from 'node:util';
import { round } from '../evaluation/gates.js';
import { CancelElsewhere, cancelRun } from '../tracking/cancel.js';
import { compareRuns, listRuns, RunNotFound, showRun } from '../tracking/runs.js';
import { positiveInt } from './data-cli.js';
import { UsageError, type Io } from './output.js';
import { workspaceFor } from './pipeline-cli.js';

const USAGE = 'runs list [--json] [--limit N] [--pipeline P] | runs show ID [--json] | runs compare ID ID... [--json] | runs cancel ID';

/** `mlpipe runs list|show|compare|cancel`: the tracking store, read from plain files. */
export async function runsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true, strict: true,
    options: { json: { type: 'boolean', default: false }, limit: { type: 'string' }, pipeline: { type: 'string' }, workspace: { type: 'string' } },
  });
  const ws = workspaceFor(values.workspace);
  try {
    switch (sub) {
      case 'list': {
        const runs = listRuns(ws, { limit: positiveInt(values.limit, 'limit'), pipeline: values.pipeline });
        if (values.json) io.out(JSON.stringify({ workspace: ws.root, runs }));
        else if (!runs.length) io.out(`no runs in ${ws.root}`);
        else for (const r of runs) io.out(`${r.id}  ${r.status.padEnd(11)} ${r.pipeline.padEnd(12)} ${dur(r.durationMs).padStart(8)}  ${metricsText(r.metrics)}`);
        return 0;
      }
      case 'show': {
        if (positionals.length !== 1) throw new UsageError('runs show: name one run (an id, a unique prefix, or latest)');
        const d = showRun(ws, positionals[0]);
        if (values.json) {
          io.out(JSON.stringify(d));
          return 0;
        }
        io.out(`run ${d.id}: ${d.status}, pipeline ${d.pipeline} (${d.file}), ${new Date(d.started).toISOString()}${d.durationMs !== undefined ? `, ${dur(d.durationMs)}` : ''}`);
        if (d.git) io.out(`  git ${d.git.commit.slice(0, 12)}${d.git.dirty ? ' (dirty)' : ''}, host ${d.host}${d.parent ? `, parent ${d.parent}` : ''}`);
        io.out(`  params: ${Object.entries(d.params).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}`);
        if (Object.keys(d.metrics).length) io.out(`  metrics: ${metricsText(d.metrics)}`);
        if (Object.keys(d.tags).length) io.out(`  tags: ${Object.entries(d.tags).map(([k, v]) => `${k}=${v}`).join(', ')}`);
        for (const n of d.nodes) io.out(`  ${n.status.padEnd(9)} ${n.step}${n.error ? `: ${n.error}` : n.why ? `: ${n.why}` : ''}`);
        for (const m of d.models) io.out(`  model ${m.model} version ${m.version}${m.aliases.length ? ` @${m.aliases.join(' @')}` : ''}`);
        return 0;
      }
      case 'compare': {
        if (positionals.length < 2) throw new UsageError('runs compare: name at least two runs');
        const c = compareRuns(ws, positionals);
        if (values.json) {
          io.out(JSON.stringify(c));
          return 0;
        }
        const w = Math.max(6, ...[...Object.keys(c.params), ...Object.keys(c.metrics)].map((k) => k.length));
        io.out(`${''.padEnd(w)}  ${c.runs.map((r) => r.id.padEnd(22)).join(' ')}`);
        const row = (k: string, vals: unknown[], differs: boolean) =>
          io.out(`${differs ? '*' : ' '}${k.padEnd(w)} ${vals.map((v) => (v === null ? '—' : typeof v === 'number' ? round(v) : String(v)).padEnd(22)).join(' ')}`);
        for (const [k, v] of Object.entries(c.params)) row(k, v, c.differs.params.includes(k));
        for (const [k, v] of Object.entries(c.metrics)) row(k, v, c.differs.metrics.includes(k));
        return 0;
      }
      case 'cancel': {
        if (positionals.length !== 1) throw new UsageError('runs cancel: name one run');
        const r = await cancelRun(ws, positionals[0]);
        io.out(r.was === 'running' || r.was === 'interrupted'
          ? `run ${r.id} cancelled${r.killed ? ` (${r.killed} leftover step process${r.killed > 1 ? 'es' : ''} ended)` : ''}`
          : `run ${r.id} had already ended (${r.was})`);
        return 0;
      }
      default:
        throw new UsageError(`usage: mlpipe ${USAGE}`);
    }
  } catch (e) {
    if (e instanceof RunNotFound) {
      io.err(`mlpipe: ${e.message}`);
      return 2;
    }
    if (e instanceof CancelElsewhere) {
      io.err(`mlpipe: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

function dur(ms: number | undefined): string {
  return ms === undefined ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Up to five metrics, evaluation-like ones before row counts. */
function metricsText(m: Record<string, number>): string {
  return Object.entries(m).sort(([a], [b]) => Number(a.endsWith('.rows')) - Number(b.endsWith('.rows'))).slice(0, 5).map(([k, v]) => `${k} ${round(v)}`).join(', ');
}
