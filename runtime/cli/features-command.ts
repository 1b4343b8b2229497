import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../language-server/analysis/units.js';
import type { DataEngine } from '../data/engine.js';
import { PipelineData } from '../data/pipeline-data.js';
import { pointInTimeJoin, featureNames, type PitResult, type PitSpec } from '../data/point-in-time.js';
import { describeRelation, sourceRelation } from '../data/relation.js';
import { resolveSource } from '../data/sources.js';
import { loadPipeline } from '../pipeline/load.js';
import { list, positiveInt, withEngine } from './data-cli.js';
import { UsageError, type Io } from './output.js';
import { readable } from './validate-command.js';

/** `mlpipe features`: a training set's point-in-time join, from a pipeline or from two files. */
export async function featuresCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: {
      json: { type: 'boolean', default: false },
      limit: { type: 'string' },
      out: { type: 'string' },
      labels: { type: 'string' },
      features: { type: 'string' },
      entity: { type: 'string' },
      'label-time': { type: 'string' },
      'feature-time': { type: 'string' },
      created: { type: 'string' },
      ttl: { type: 'string' },
      'exact-leakage': { type: 'boolean' },
    },
  });
  const limit = values.limit === undefined ? undefined : values.limit === '0' ? 0 : positiveInt(values.limit, 'limit');
  const opts = {
    limit: limit ?? (values.json ? undefined : 20), out: values.out ? resolve(values.out) : undefined,
    exactLeakage: values['exact-leakage'] ?? ('auto' as const),
  };
  const outRoots = values.out ? [values.out] : [];

  if (values.labels !== undefined || values.features !== undefined) {
    if (positionals.length) throw new UsageError('features: give either FILE.mlpipe TRAINING_SET or --labels/--features, not both');
    const need = (v: string | undefined, name: string) => { if (!v) throw new UsageError(`features: --${name} is required with --labels/--features`); return v; };
    const labelsPath = need(values.labels, 'labels');
    const featuresPath = need(values.features, 'features');
    const entity = list(need(values.entity, 'entity'))!;
    const labelTime = need(values['label-time'], 'label-time');
    const featureTime = need(values['feature-time'], 'feature-time');
    const ttlMs = values.ttl === undefined ? undefined : parseDuration(values.ttl);
    if (values.ttl !== undefined && ttlMs === undefined) throw new UsageError(`features: --ttl must be a duration such as 48h or 30d, got '${values.ttl}'`);
    return withEngine([labelsPath, featuresPath, ...outRoots], io, async (engine) => {
      const spec = await adHocSpec(engine, { labelsPath, featuresPath, entity, labelTime, featureTime, created: values.created, ttlMs });
      print(io, 'features', await pointInTimeJoin(engine, spec, opts), !!values.json);
      return 0;
    });
  }

  if (positionals.length !== 2) throw new UsageError('features: usage: features FILE.mlpipe TRAINING_SET [--limit N] [--json] [--out F.parquet]');
  const [file, name] = positionals;
  await readable(file);
  const { model } = await loadPipeline(file);
  return withEngine([file, ...outRoots], io, async (engine) => {
    const data = new PipelineData(engine, model, dirname(resolve(file)));
    print(io, name, await data.trainingSet(name, opts), !!values.json);
    return 0;
  });
}

async function adHocSpec(engine: DataEngine, a: {
  labelsPath: string; featuresPath: string; entity: string[]; labelTime: string; featureTime: string; created?: string; ttlMs?: number;
}): Promise<PitSpec> {
  const labels = sourceRelation(await resolveSource(engine, { path: a.labelsPath, baseDir: process.cwd() }));
  const feats = sourceRelation(await resolveSource(engine, { path: a.featuresPath, baseDir: process.cwd() }));
  // Every column of the feature file that is not a key or a time is a feature.
  const skip = new Set([...a.entity, a.featureTime, ...(a.created ? [a.created] : [])]);
  const featureCols = (await describeRelation(engine, feats)).map((c) => c.name).filter((c) => !skip.has(c));
  const labelCols = (await describeRelation(engine, labels)).map((c) => c.name);
  const [features] = featureNames(labelCols, [{ name: 'features', features: featureCols }]);
  return {
    labels, entity: a.entity, labelTime: a.labelTime,
    views: [{ name: 'features', relation: feats, entity: a.entity, timestamp: a.featureTime, created: a.created, ttlMs: a.ttlMs, features }],
  };
}

function print(io: Io, title: string, r: PitResult, json: boolean): void {
  if (json) {
    io.out(JSON.stringify({ rows: r.rows, stats: r.stats, elapsed_ms: r.elapsed_ms }));
    return;
  }
  const s = r.stats;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  io.out(`${title}: ${s.label_rows.toLocaleString('en-US')} label rows (${r.elapsed_ms} ms)`);
  for (const v of s.views) {
    io.out(`  ${v.view}: ${v.matched.toLocaleString('en-US')} matched, ${v.no_match.toLocaleString('en-US')} with no earlier row, ${v.expired_by_ttl.toLocaleString('en-US')} older than the ttl`);
    io.out(`    leakage guard: ${v.labels_with_future_rows.toLocaleString('en-US')} label rows had later feature rows` +
      (v.future_rows_excluded === null ? '' : ` (${v.future_rows_excluded.toLocaleString('en-US')} future rows excluded)`));
  }
  io.out(`  null rates: ${Object.entries(s.null_rates).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}`);
  if (!r.rows.length) return;
  const cols = r.columns.map((c) => c.name);
  const cell = (v: unknown) => (v === null ? '' : typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));
  const widths = cols.map((c) => Math.min(24, Math.max(c.length, ...r.rows.map((row) => cell(row[c]).length))));
  const line = (vals: string[]) => '  ' + vals.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i])).join('  ');
  io.out(line(cols));
  for (const row of r.rows) io.out(line(cols.map((c) => cell(row[c]))));
}
