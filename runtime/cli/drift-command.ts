import { parseArgs } from 'node:util';
import { DRIFT_METHODS, driftReport, type DriftMethod, type DriftReport } from '../data/drift.js';
import { sourceRelation } from '../data/relation.js';
import { resolveSource } from '../data/sources.js';
import { list, withEngine } from './data-cli.js';
import { UsageError, type Io } from './output.js';

/** `mlpipe drift`: per-column drift of current data against a reference; exit 1 when the data set drifted. */
export async function driftCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: {
      reference: { type: 'string' }, current: { type: 'string' }, columns: { type: 'string' },
      method: { type: 'string' }, threshold: { type: 'string' }, json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new UsageError(`drift: unexpected argument '${positionals[0]}' (use --reference and --current)`);
  if (!values.reference || !values.current) throw new UsageError('drift: --reference PATH and --current PATH are required');
  const method = values.method as DriftMethod | undefined;
  if (method !== undefined && !DRIFT_METHODS.includes(method)) throw new UsageError(`drift: unknown --method '${method}' (one of ${DRIFT_METHODS.join(', ')})`);
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !Number.isFinite(threshold)) throw new UsageError(`drift: --threshold must be a number, got '${values.threshold}'`);
  const { reference, current } = values;
  return withEngine([reference, current], io, async (engine) => {
    const ref = sourceRelation(await resolveSource(engine, { path: reference, baseDir: process.cwd() }));
    const cur = sourceRelation(await resolveSource(engine, { path: current, baseDir: process.cwd() }));
    const report = await driftReport(engine, ref, cur, { columns: list(values.columns), method, threshold });
    io.out(values.json ? JSON.stringify(report) : driftText(report));
    return report.dataset_drift ? 1 : 0;
  });
}

function driftText(r: DriftReport): string {
  const lines = [`reference ${r.reference_rows.toLocaleString('en-US')} rows, current ${r.current_rows.toLocaleString('en-US')} rows (${r.elapsed_ms} ms)`];
  for (const c of r.columns) {
    const score = c.score === null ? `n/a (${c.error})` : Number(c.score.toPrecision(4)).toString();
    lines.push(`  ${c.drifted ? 'DRIFT' : 'ok   '}  ${c.name.padEnd(20)} ${c.method.padEnd(13)} ${score} (threshold ${c.threshold})`);
  }
  lines.push(`${(100 * r.drift_share).toFixed(0)}% of columns drifted: ${r.dataset_drift ? 'dataset drift' : 'no dataset drift'}`);
  return lines.join('\n');
}
