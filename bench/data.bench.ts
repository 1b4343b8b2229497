// Data-engine benchmarks (issue 3, "Speed"). Each figure is printed next to a reference query measured
// in the same run on the same files, with the ratio, so a busy machine moves both sides alike.
//
//   npm run bench -- data                 full size: 10M-row Parquet, 1M labels × 10M feature rows, 1M vs 1M drift
//   npm run bench -- data --scale 0.1     a tenth of that, for development
//   npm run bench -- data --runs 3        timed runs per figure (default 2; the median is reported)
//   npm run bench -- data --only pit      one group of figures: profile, pit or drift
//
// Data is generated once into bench/.data/ (ignored by git) and reused.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { driftReport } from '../runtime/data/drift.js';
import { DataEngine } from '../runtime/data/engine.js';
import { pointInTimeJoin, type PitSpec } from '../runtime/data/point-in-time.js';
import { profileSource } from '../runtime/data/profile.js';
import { sourceRelation } from '../runtime/data/relation.js';
import { resolveSource } from '../runtime/data/sources.js';
import { median, report } from './stats.js';

const { values } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, runs: { type: 'string', default: '2' }, only: { type: 'string' } },
});
const scale = Number(values.scale);
const runs = Math.max(1, Number(values.runs));
const WIDE = Math.round(10_000_000 * scale);
const LABELS = Math.round(1_000_000 * scale);
const FEATURES = Math.round(10_000_000 * scale);
const DRIFT = Math.round(1_000_000 * scale);
const ENTITIES = Math.max(100, Math.round(100_000 * scale));

const dir = resolve('bench/.data');
mkdirSync(dir, { recursive: true });
const file = (name: string, rows: number) => join(dir, `${name}-${rows}.parquet`);
// The same limits the CLI uses: 2 threads on this machine; DuckDB's own limit leaves room under the 2 GB
// target for Node and the memory DuckDB does not account (measured peak ≈ limit + 0.5 GB).
const engine = await DataEngine.open({ roots: [dir], threads: 2, memoryLimit: process.env.MLPIPE_DUCKDB_MEMORY ?? '1200MB' });

/** Deterministic columns from hash(i): the same file every time, no random state. */
function wideSelect(rows: number, seed: number, shift: number): string {
  return `SELECT i AS id,
      (hash(i + ${seed}) % 100000)::INTEGER AS user_id,
      CASE WHEN i % 97 = 0 THEN NULL ELSE round(exp(((hash(i * 7 + ${seed}) % 1000000) / 1000000.0) * 6) * ${1 + shift}, 2) END AS amount,
      ((hash(i * 13 + ${seed}) % 2000001)::DOUBLE / 1000000.0 - 1.0) * 3 + ${shift} AS score,
      (18 + hash(i * 17 + ${seed}) % 73)::INTEGER AS age,
      (['US','DE','FR','GB','IN','BR','JP','CA','ES','IT'])[1 + (hash(i * 19 + ${seed}) % ${shift ? 8 : 10})::INTEGER] AS country,
      hash(i * 23 + ${seed}) % 3 = 0 AS is_active,
      TIMESTAMP '2024-01-01' + to_seconds((hash(i * 29 + ${seed}) % 31536000)::BIGINT) AS event_at
    FROM range(${rows}) t(i)`;
}

async function ensure(path: string, select: string): Promise<void> {
  if (existsSync(path)) return;
  const t = performance.now();
  await engine.rows(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
  process.stderr.write(`generated ${path} in ${Math.round(performance.now() - t)} ms\n`);
}

async function generate(): Promise<void> {
  await ensure(file('wide', WIDE), wideSelect(WIDE, 0, 0));
  await ensure(file('labels', LABELS), `SELECT (hash(i) % ${ENTITIES})::BIGINT AS customer_id,
      TIMESTAMP '2024-01-01' + to_seconds((hash(i * 3) % 31536000)::BIGINT) AS label_at, (hash(i * 5) % 2)::INTEGER AS y
    FROM range(${LABELS}) t(i)`);
  await ensure(file('features', FEATURES), `SELECT (hash(i * 11) % ${ENTITIES})::BIGINT AS customer_id,
      TIMESTAMP '2024-01-01' + to_seconds((hash(i * 13) % 31536000)::BIGINT) AS event_at,
      TIMESTAMP '2024-01-01' + to_seconds((hash(i * 13) % 31536000)::BIGINT + (hash(i * 17) % 3600)::BIGINT) AS created_at,
      (hash(i * 19) % 10000) / 100.0 AS spend, (hash(i * 23) % 50)::BIGINT AS visits
    FROM range(${FEATURES}) t(i)`);
  await ensure(file('drift-ref', DRIFT), wideSelect(DRIFT, 1, 0));
  await ensure(file('drift-cur', DRIFT), wideSelect(DRIFT, 2, 0.3));
}

/**
 * Alternates reference and measured runs so that load changes hit both; one untimed warm-up of each.
 * Wall time is the figure; CPU time of this process (DuckDB's threads included) is reported too, because
 * on a shared 2-core machine it moves less with other people's load.
 */
async function compare(ours: () => Promise<unknown>, reference: () => Promise<unknown>) {
  await reference();
  await ours();
  const wall = { ours: [] as number[], ref: [] as number[] };
  const cpu = { ours: [] as number[], ref: [] as number[] };
  const time = async (fn: () => Promise<unknown>, side: 'ours' | 'ref') => {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn();
    wall[side].push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu[side].push((d.user + d.system) / 1000);
  };
  for (let i = 0; i < runs; i++) {
    await time(reference, 'ref');
    await time(ours, 'ours');
  }
  const round = (x: number) => Math.round(x);
  return {
    // The process's peak so far: shows which figure sets the peak-memory figure.
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    ours: median(wall.ours), ref: median(wall.ref),
    cpu: { ours_ms: round(median(cpu.ours)), reference_ms: round(median(cpu.ref)), ratio: Math.round((median(cpu.ours) / median(cpu.ref)) * 100) / 100 },
  };
}

async function profileFigure(): Promise<void> {
  const src = await resolveSource(engine, { path: file('wide', WIDE), baseDir: dir });
  const t = await compare(
    () => profileSource(engine, src),
    () => engine.rows(`SUMMARIZE SELECT * FROM read_parquet('${src.files[0].path}')`),
  );
  report({
    bench: 'data', metric: `profile ${WIDE.toLocaleString('en-US')} rows × 8 columns (stats, quartiles, histograms, top values)`, unit: 'ms',
    value: t.ours, reference: { what: "DuckDB's SUMMARIZE of the same Parquet file", value: t.ref }, target: 'ratio ≤ 0.7', cpu: t.cpu, max_rss_mb: t.max_rss_mb,
  });
}

async function pitFigures(): Promise<void> {
  const labels = sourceRelation(await resolveSource(engine, { path: file('labels', LABELS), baseDir: dir }));
  const feats = sourceRelation(await resolveSource(engine, { path: file('features', FEATURES), baseDir: dir }));
  const spec = (created: boolean): PitSpec => ({
    labels, entity: ['customer_id'], labelTime: 'label_at',
    views: [{
      name: 'f', relation: feats, entity: ['customer_id'], timestamp: 'event_at', created: created ? 'created_at' : undefined,
      ttlMs: 30 * 86_400_000, features: [{ column: 'spend', as: 'spend' }, { column: 'visits', as: 'visits' }],
    }],
  });
  // The reference materialises the same rows the same way (a temp table), with a bare ASOF JOIN.
  const bare = () => engine.session(async (s) => {
    const t = s.temp('bare');
    await s.run(`CREATE TEMP TABLE ${t} AS SELECT l.*, f.spend, f.visits FROM read_parquet('${file('labels', LABELS)}') l
      ASOF LEFT JOIN read_parquet('${file('features', FEATURES)}') f ON l.customer_id = f.customer_id AND l.label_at >= f.event_at`);
  });
  const what = `bare ASOF JOIN of the same tables into a temp table`;
  const size = `${LABELS.toLocaleString('en-US')} labels × ${FEATURES.toLocaleString('en-US')} feature rows`;
  const fast = await compare(() => pointInTimeJoin(engine, spec(false), { limit: 0 }), bare);
  report({
    bench: 'data', metric: `point-in-time join ${size} (TTL, nulls, stats, labels with future rows)`, unit: 'ms', value: fast.ours,
    reference: { what, value: fast.ref }, target: 'ratio ≤ 1.3', cpu: fast.cpu, max_rss_mb: fast.max_rss_mb,
  });
  const exact = await compare(() => pointInTimeJoin(engine, spec(false), { limit: 0, exactLeakage: true }), bare);
  report({
    bench: 'data', metric: `point-in-time join ${size}, exact count of excluded future rows (--exact-leakage; automatic up to 2M feature rows)`,
    unit: 'ms', value: exact.ours, reference: { what, value: exact.ref }, target: 'informational', cpu: exact.cpu, max_rss_mb: exact.max_rss_mb,
  });
  const created = await compare(() => pointInTimeJoin(engine, spec(true), { limit: 0, exactLeakage: false }), bare);
  report({
    bench: 'data', metric: `point-in-time join ${size}, ties broken by created timestamp`, unit: 'ms', value: created.ours,
    reference: { what, value: created.ref }, target: 'informational', cpu: created.cpu, max_rss_mb: created.max_rss_mb,
  });
}

async function driftFigure(): Promise<void> {
  const ref = sourceRelation(await resolveSource(engine, { path: file('drift-ref', DRIFT), baseDir: dir }));
  const cur = sourceRelation(await resolveSource(engine, { path: file('drift-cur', DRIFT), baseDir: dir }));
  const r = file('drift-ref', DRIFT), c = file('drift-cur', DRIFT);
  // A plain single-column PSI over 10 equal-width bins, as one would write it by hand.
  const psiSql = `WITH r AS (SELECT score AS x FROM read_parquet('${r}')), c AS (SELECT score AS x FROM read_parquet('${c}')),
      b AS (SELECT min(x) AS lo, (max(x) - min(x)) / 10 AS w FROM (SELECT x FROM r UNION ALL SELECT x FROM c)),
      rh AS (SELECT least(floor((x - lo) / w), 9) AS bin, count(*) / (SELECT count(*) FROM r) AS p FROM r, b GROUP BY bin),
      ch AS (SELECT least(floor((x - lo) / w), 9) AS bin, count(*) / (SELECT count(*) FROM c) AS p FROM c, b GROUP BY bin)
    SELECT sum((coalesce(rh.p, 1e-4) - coalesce(ch.p, 1e-4)) * ln(coalesce(rh.p, 1e-4) / coalesce(ch.p, 1e-4))) AS psi
    FROM rh FULL JOIN ch USING (bin)`;
  let methods = '';
  const t = await compare(async () => {
    const rep = await driftReport(engine, ref, cur);
    methods = rep.columns.map((x) => `${x.name}:${x.method}`).join(' ');
  }, () => engine.rows(psiSql));
  report({
    bench: 'data', metric: `drift 8 columns, ${DRIFT.toLocaleString('en-US')} vs ${DRIFT.toLocaleString('en-US')} rows (Evidently's default tests)`, unit: 'ms',
    value: t.ours, reference: { what: 'single-column PSI SQL query (10 bins)', value: t.ref }, target: 'ratio ≤ 12', cpu: t.cpu, max_rss_mb: t.max_rss_mb, methods,
  });
}

await generate();
const only = values.only;
if (!only || only === 'profile') await profileFigure();
if (!only || only === 'pit') await pitFigures();
if (!only || only === 'drift') await driftFigure();
engine.close();
// DuckDB runs in this process, so the process's peak resident set covers it.
report({ bench: 'data', metric: 'peak memory (max RSS of the benchmark process)', unit: 'MB', value: process.resourceUsage().maxRSS / 1024, target: '≤ 2048 MB' });
