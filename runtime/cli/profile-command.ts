import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { sampleArrow } from '../data/arrow-sample.js';
import { profileSource, type ColumnProfile, type ProfileResult } from '../data/profile.js';
import { resolveSource } from '../data/sources.js';
import { list, positiveInt, withEngine } from './data-cli.js';
import { UsageError, type Io } from './output.js';

/** `mlpipe profile PATH_OR_GLOB`: statistics of every column in two scans. */
export async function profileCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: {
      json: { type: 'boolean', default: false },
      columns: { type: 'string' },
      'sample-out': { type: 'string' },
      'sample-rows': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('profile: name exactly one file or glob (quote globs so the shell leaves them alone)');
  const sampleRows = positiveInt(values['sample-rows'], 'sample-rows');
  const path = positionals[0];
  return withEngine([path, ...(values['sample-out'] ? [values['sample-out']] : [])], io, async (engine) => {
    const src = await resolveSource(engine, { path, baseDir: process.cwd() });
    const result = await profileSource(engine, src, { columns: list(values.columns) });
    if (values['sample-out']) {
      await writeFile(values['sample-out'], await sampleArrow(engine, src, { rows: sampleRows, columns: list(values.columns) }));
    }
    io.out(values.json ? JSON.stringify(result) : profileText(path, result));
    return 0;
  });
}

function profileText(path: string, p: ProfileResult): string {
  const lines = [`${path}: ${p.rows.toLocaleString('en-US')} rows, ${p.columns.length} columns (${p.elapsed_ms} ms)`];
  for (const c of p.columns) {
    lines.push(`  ${c.name} ${c.type}: ${c.count.toLocaleString('en-US')} values, ${c.nulls.toLocaleString('en-US')} nulls, ~${(c.distinct ?? 0).toLocaleString('en-US')} distinct`);
    const detail = columnDetail(c);
    if (detail) lines.push(`      ${detail}`);
  }
  return lines.join('\n');
}

function columnDetail(c: ColumnProfile): string {
  const n = (v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(6)).toString() : String(v));
  if (c.kind === 'numeric') {
    return `min ${n(c.min)}  p25 ${n(c.p25)}  median ${n(c.p50)}  p75 ${n(c.p75)}  max ${n(c.max)}  mean ${n(c.mean)}  sd ${n(c.stddev)}`;
  }
  if (c.kind === 'temporal') return `${c.min} .. ${c.max}`;
  if (c.top?.length) return `top: ${c.top.slice(0, 5).map((t) => `${JSON.stringify(t.value)} ×${t.count}`).join(', ')}`;
  return '';
}
