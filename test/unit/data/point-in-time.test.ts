import { describe, expect, test } from 'vitest';
import type { DataEngine } from '../../../runtime/data/engine.js';
import { featureNames, pointInTimeJoin, type PitSpec } from '../../../runtime/data/point-in-time.js';
import { sourceRelation } from '../../../runtime/data/relation.js';
import { csv, engineFor, rng, source, workspace } from './helpers.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const ts = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('.000Z', '');
const iso = (ms: number) => new Date(ms).toISOString();

describe('point-in-time join, by hand', () => {
  const ws = workspace();
  // Entity 1: rows at 0h, 10h, 10h (tie: created 1h vs 5h), 20h. Entity 2: a row at 30h only. Entity 3: none.
  ws.write('feats.csv', csv(['cid', 'event_at', 'created_at', 'score'], [
    [1, ts(T0), ts(T0), 100],
    [1, ts(T0 + 10 * H), ts(T0 + 1 * H), 110],
    [1, ts(T0 + 10 * H), ts(T0 + 5 * H), 111],
    [1, ts(T0 + 20 * H), ts(T0 + 20 * H), 120],
    [2, ts(T0 + 30 * H), ts(T0 + 30 * H), 230],
  ]));
  ws.write('labels.csv', csv(['cid', 'label_at', 'y'], [
    [1, ts(T0 + 10 * H), 1], // exactly at the tied rows: the later created (111) wins
    [1, ts(T0 + 15 * H), 0], // between rows: latest earlier is 10h → 111; the 20h row is in the future
    [2, ts(T0 + 29 * H), 1], // entity 2's only row is in the future: no match
    [3, ts(T0 + 50 * H), 0], // unknown entity: no match
    [1, ts(T0 + 25 * H), 1], // latest earlier row is 20h
  ]));

  async function join(engine: DataEngine, extra: Partial<PitSpec['views'][0]> = {}) {
    const spec: PitSpec = {
      labels: sourceRelation(await source(engine, ws.dir, 'labels.csv')), entity: ['cid'], labelTime: 'label_at',
      views: [{
        name: 'f', relation: sourceRelation(await source(engine, ws.dir, 'feats.csv')), entity: ['cid'],
        timestamp: 'event_at', created: 'created_at', features: [{ column: 'score', as: 'score' }], ...extra,
      }],
    };
    return pointInTimeJoin(engine, spec);
  }

  test('latest row at or before the label time; ties to the latest created; no match keeps the label', async () => {
    const engine = await engineFor(ws.dir);
    const r = await join(engine);
    // Rows come sorted by every column, label columns first.
    expect(r.rows).toEqual([
      { cid: 1, label_at: iso(T0 + 10 * H), y: 1, score: 111 },
      { cid: 1, label_at: iso(T0 + 15 * H), y: 0, score: 111 },
      { cid: 1, label_at: iso(T0 + 25 * H), y: 1, score: 120 },
      { cid: 2, label_at: iso(T0 + 29 * H), y: 1, score: null },
      { cid: 3, label_at: iso(T0 + 50 * H), y: 0, score: null },
    ]);
    expect(r.columns.map((c) => c.name)).toEqual(['cid', 'label_at', 'y', 'score']);
    // Future rows per label: 10h → 1 (the 20h row), 15h → 1, entity 2 at 29h → 1, entity 3 → 0, 25h → 0.
    expect(r.stats).toEqual({
      label_rows: 5,
      views: [{ view: 'f', matched: 3, no_match: 2, expired_by_ttl: 0, labels_with_future_rows: 3, future_rows_excluded: 3 }],
      null_rates: { score: 0.4 },
    });
  });

  test('TTL: a row exactly TTL before the label counts, one millisecond older does not', async () => {
    const engine = await engineFor(ws.dir);
    // Label at 15h, latest row at 10h: 5h old. Label at 25h, row at 20h: 5h old. Label at 10h: 0h old.
    const exact = await join(engine, { ttlMs: 5 * H });
    expect(exact.rows.map((r) => r.score)).toEqual([111, 111, 120, null, null]);
    const shorter = await join(engine, { ttlMs: 5 * H - 1 });
    expect(shorter.rows.map((r) => r.score)).toEqual([111, null, null, null, null]);
    expect(shorter.stats.views[0]).toMatchObject({ matched: 1, no_match: 2, expired_by_ttl: 2 });
  });

  test('without a created column, the join still never takes a future row', async () => {
    const engine = await engineFor(ws.dir);
    const r = await join(engine, { created: undefined });
    expect(r.rows.map((x) => x.score)).toEqual([expect.any(Number), expect.any(Number), 120, null, null]);
    expect([110, 111]).toContain(r.rows[0].score);
  });

  test('limit returns the first label rows; statistics still cover all of them', async () => {
    const engine = await engineFor(ws.dir);
    const spec: PitSpec = {
      labels: sourceRelation(await source(engine, ws.dir, 'labels.csv')), entity: ['cid'], labelTime: 'label_at',
      views: [{ name: 'f', relation: sourceRelation(await source(engine, ws.dir, 'feats.csv')), entity: ['cid'], timestamp: 'event_at', features: [{ column: 'score', as: 'score' }] }],
    };
    const r = await pointInTimeJoin(engine, spec, { limit: 2, out: `${ws.dir}/out.parquet` });
    expect(r.rows).toHaveLength(2);
    expect(r.stats.label_rows).toBe(5);
    expect(await engine.rows(`SELECT count(*) AS n, count(score) AS s FROM '${ws.dir}/out.parquet'`)).toEqual([{ n: 5, s: 3 }]);
  });

  test('composite keys, keys typed differently on each side, and two views with a clashing name', async () => {
    ws.write('k/labels.csv', csv(['shop', 'sku', 'at'], [['s1', 7, ts(T0 + 5 * H)], ['s2', 7, ts(T0 + 5 * H)]]));
    ws.write('k/price.csv', csv(['shop', 'sku', 'at', 'value'], [['s1', '007', ts(T0), 1], ['s1', '7', ts(T0 + H), 2], ['s2', '7', ts(T0 + 6 * H), 3]]));
    ws.write('k/stock.csv', csv(['shop', 'sku', 'at', 'value'], [['s2', 7, ts(T0), 40]]));
    const engine = await engineFor(ws.dir);
    const names = featureNames(['shop', 'sku', 'at'], [{ name: 'price', features: ['value'] }, { name: 'stock', features: ['value'] }]);
    expect(names).toEqual([[{ column: 'value', as: 'price__value' }], [{ column: 'value', as: 'stock__value' }]]);
    const r = await pointInTimeJoin(engine, {
      labels: sourceRelation(await source(engine, ws.dir, 'k/labels.csv')), entity: ['shop', 'sku'], labelTime: 'at',
      views: [
        { name: 'price', relation: sourceRelation(await source(engine, ws.dir, 'k/price.csv')), entity: ['shop', 'sku'], timestamp: 'at', features: names[0] },
        { name: 'stock', relation: sourceRelation(await source(engine, ws.dir, 'k/stock.csv')), entity: ['shop', 'sku'], timestamp: 'at', features: names[1] },
      ],
    });
    // price.sku is text ('007' ≠ '7'): keys compare as text on both sides.
    expect(r.rows.map((x) => [x.shop, x.price__value, x.stock__value])).toEqual([['s1', 2, null], ['s2', null, 40]]);
  });

  test('a DATE label time against TIMESTAMP features, and plain numbers as times', async () => {
    ws.write('d/labels.csv', csv(['cid', 'day'], [[1, '2024-01-01'], [1, '2024-01-02']]));
    ws.write('d/n-labels.csv', csv(['cid', 'step'], [[1, 5], [1, 25]]));
    ws.write('d/n-feats.csv', csv(['cid', 'step', 'score'], [[1, 10, 7], [1, 20.5, 8]]));
    const engine = await engineFor(ws.dir);
    const view = { name: 'f', relation: sourceRelation(await source(engine, ws.dir, 'feats.csv')), entity: ['cid'], timestamp: 'event_at', features: [{ column: 'score', as: 'score' }] };
    const dated = await pointInTimeJoin(engine, { labels: sourceRelation(await source(engine, ws.dir, 'd/labels.csv')), entity: ['cid'], labelTime: 'day', views: [view] });
    // Midnight of Jan 1 sees only the 0h row; midnight of Jan 2 (24h) sees the 20h row.
    expect(dated.rows.map((r) => r.score)).toEqual([100, 120]);
    const numbered = await pointInTimeJoin(engine, {
      labels: sourceRelation(await source(engine, ws.dir, 'd/n-labels.csv')), entity: ['cid'], labelTime: 'step',
      views: [{ ...view, relation: sourceRelation(await source(engine, ws.dir, 'd/n-feats.csv')), timestamp: 'step' }],
    });
    expect(numbered.rows.map((r) => r.score)).toEqual([null, 8]);
    // Numbers with a created column (the struct-key path): the tie at step 20.5 goes to the later created.
    ws.write('d/n-feats-created.csv', csv(['cid', 'step', 'made', 'score'], [[1, 20.5, 2, 9], [1, 20.5, 1, 8], [1, 10, 5, 7]]));
    const tied = await pointInTimeJoin(engine, {
      labels: sourceRelation(await source(engine, ws.dir, 'd/n-labels.csv')), entity: ['cid'], labelTime: 'step',
      views: [{ ...view, relation: sourceRelation(await source(engine, ws.dir, 'd/n-feats-created.csv')), timestamp: 'step', created: 'made' }],
    });
    expect(tied.rows.map((r) => r.score)).toEqual([null, 9]);
  });

  test('bad specs: an unknown column (did you mean) and a label time that is not a time', async () => {
    ws.write('bad/labels.csv', csv(['cid', 'label_at'], [[1, 'soon']]));
    const engine = await engineFor(ws.dir);
    const feats = sourceRelation(await source(engine, ws.dir, 'feats.csv'));
    const labels = sourceRelation(await source(engine, ws.dir, 'bad/labels.csv'));
    const view = { name: 'f', relation: feats, entity: ['cid'], timestamp: 'event_at', features: [{ column: 'scor', as: 'scor' }] };
    await expect(pointInTimeJoin(engine, { labels: sourceRelation(await source(engine, ws.dir, 'labels.csv')), entity: ['cid'], labelTime: 'label_at', views: [view] }))
      .rejects.toThrow("f has no feature column 'scor' — did you mean 'score'?");
    await expect(pointInTimeJoin(engine, { labels, entity: ['cid'], labelTime: 'label_at', views: [{ ...view, features: [] }] }))
      .rejects.toMatchObject({ code: 'wrong-type', message: expect.stringContaining("label time column 'label_at' is VARCHAR") });
  });
});

describe('point-in-time join, randomized against a brute-force join', () => {
  const ws = workspace();

  interface F { e: number; t: number; c: number; v: number }
  interface L { e: number; t: number }

  /** The definition, literally: scan every feature row for each label. */
  function brute(labels: L[], feats: F[], ttl: number | undefined, useCreated: boolean) {
    const stats = { matched: 0, no_match: 0, expired_by_ttl: 0, labels_with_future_rows: 0, future_rows_excluded: 0 };
    const values = labels.map((l) => {
      let best: F | undefined;
      let future = 0;
      for (const f of feats) {
        if (f.e !== l.e) continue;
        if (f.t > l.t) { future++; continue; }
        if (!best || f.t > best.t || (useCreated && f.t === best.t && f.c > best.c)) best = f;
      }
      stats.future_rows_excluded += future;
      if (future) stats.labels_with_future_rows++;
      if (!best) { stats.no_match++; return null; }
      if (ttl !== undefined && best.t < l.t - ttl) { stats.expired_by_ttl++; return null; }
      stats.matched++;
      return best.v;
    });
    return { values, stats };
  }

  test.each([11, 12, 13, 14, 15, 16, 17, 18])('seed %i', async (seed) => {
    const r = rng(seed);
    const entities = 1 + Math.floor(r() * 20);
    const useCreated = r() < 0.6;
    const ttl = r() < 0.5 ? Math.floor(r() * 48) * H : undefined;
    const feats: F[] = [];
    const used = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const e = 1 + Math.floor(r() * entities);
      // With a created column, event times collide on purpose (coarse grid) to exercise the tie-break.
      const t = T0 + (useCreated ? Math.floor(r() * 40) * 3 * H : Math.floor(r() * 5000) * 60_000);
      if (!useCreated && used.has(`${e}/${t}`)) continue;
      used.add(`${e}/${t}`);
      feats.push({ e, t, c: T0 + i * 1000, v: i });
    }
    const labels: L[] = [];
    for (let i = 0; i < 150; i++) labels.push({ e: 1 + Math.floor(r() * (entities + 2)), t: T0 + Math.floor(r() * 130 * H / 60_000) * 60_000 });
    ws.write(`r${seed}/f.csv`, csv(['e', 't', 'c', 'v'], feats.map((f) => [f.e, ts(f.t), ts(f.c), f.v])));
    ws.write(`r${seed}/l.csv`, csv(['e', 't'], labels.map((l) => [l.e, ts(l.t)])));
    const engine = await engineFor(ws.dir);
    const result = await pointInTimeJoin(engine, {
      labels: sourceRelation(await source(engine, ws.dir, `r${seed}/l.csv`)), entity: ['e'], labelTime: 't',
      views: [{
        name: 'f', relation: sourceRelation(await source(engine, ws.dir, `r${seed}/f.csv`)), entity: ['e'], timestamp: 't',
        created: useCreated ? 'c' : undefined, ttlMs: ttl, features: [{ column: 'v', as: 'v' }],
      }],
    });
    const expected = brute(labels, feats, ttl, useCreated);
    // The join returns rows sorted by all columns (entity, time, value; nulls last): sort the reference alike.
    const rows = labels.map((l, i) => ({ e: l.e, t: l.t, v: expected.values[i] }))
      .sort((a, b) => a.e - b.e || a.t - b.t || (a.v === null ? 1 : b.v === null ? -1 : a.v - b.v));
    expect(result.rows).toEqual(rows.map((x) => ({ e: x.e, t: iso(x.t), v: x.v })));
    expect(result.stats.views[0]).toEqual({ view: 'f', ...expected.stats });
    expect(result.stats.null_rates.v).toBeCloseTo(expected.values.filter((v) => v === null).length / labels.length, 12);
  });
});
