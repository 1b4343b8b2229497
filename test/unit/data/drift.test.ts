import { describe, expect, test } from 'vitest';
import { chiSquareSf, fillZeroes, jensenShannon, ksPValue, psi, zTest } from '../../../runtime/data/drift-stats.js';
import { driftReport, type ColumnDrift } from '../../../runtime/data/drift.js';
import { sourceRelation } from '../../../runtime/data/relation.js';
import { csv, engineFor, rng, source, workspace } from './helpers.js';

// Brute-force references, straight from the definitions.
function ecdfGap(a: number[], b: number[]): { d: number; w: number } {
  const xs = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const sa = [...a].sort((x, y) => x - y), sb = [...b].sort((x, y) => x - y);
  let ia = 0, ib = 0, d = 0, w = 0;
  xs.forEach((x, k) => {
    while (ia < sa.length && sa[ia] <= x) ia++;
    while (ib < sb.length && sb[ib] <= x) ib++;
    const gap = Math.abs(ia / sa.length - ib / sb.length);
    d = Math.max(d, gap);
    if (k + 1 < xs.length) w += gap * (xs[k + 1] - x);
  });
  return { d, w };
}
function popSd(xs: number[]): number {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
}
function counts<T>(xs: T[], keys: T[]): number[] {
  return keys.map((k) => xs.filter((x) => x === k).length);
}
const col = (cols: ColumnDrift[], name: string) => cols.find((c) => c.name === name)!;

describe('drift', () => {
  const ws = workspace();
  const r = rng(99);
  const round = (x: number) => Math.round(x * 1000) / 1000;

  // Small reference (≤ 1000 rows): KS, chi-square and z.
  const refX = Array.from({ length: 200 }, () => round(r()));
  const curX = Array.from({ length: 300 }, () => round(0.15 + r()));
  const refC = refX.map(() => ['a', 'b', 'c'][Math.floor(r() * 3)]);
  const curC = curX.map(() => (r() < 0.5 ? 'a' : r() < 0.5 ? 'b' : 'c'));
  const refF = refX.map(() => r() < 0.3);
  const curF = curX.map(() => r() < 0.35);
  const refK = refX.map(() => 1 + Math.floor(r() * 3));
  const curK = curX.map(() => 1 + Math.floor(r() * 3));
  ws.write('small/ref.csv', csv(['x', 'c', 'f', 'k'], refX.map((x, i) => [x, refC[i], refF[i], refK[i]])));
  ws.write('small/cur.csv', csv(['x', 'c', 'f', 'k'], curX.map((x, i) => [i % 50 === 0 ? null : x, curC[i], curF[i], curK[i]])));

  test('small reference: KS for numbers, chi-square for 3+ values, z for two', async () => {
    const engine = await engineFor(ws.dir);
    const rep = await driftReport(engine, sourceRelation(await source(engine, ws.dir, 'small/ref.csv')), sourceRelation(await source(engine, ws.dir, 'small/cur.csv')));
    expect(rep.columns.map((c) => [c.name, c.method])).toEqual([['x', 'ks'], ['c', 'chisquare'], ['f', 'z'], ['k', 'chisquare']]);

    const curXn = curX.filter((_, i) => i % 50 !== 0); // nulls are dropped, as Evidently does
    const { d } = ecdfGap(refX, curXn);
    const x = col(rep.columns, 'x');
    expect(x.score).toBeCloseTo(ksPValue(d, refX.length, curXn.length), 12);
    expect(x.drifted).toBe(x.score! < 0.05);
    expect(x.threshold).toBe(0.05);

    const keys = ['a', 'b', 'c'];
    const [rc, cc] = [counts(refC, keys), counts(curC, keys)];
    const k = curC.length / refC.length;
    const stat = rc.reduce((s, v, i) => s + (cc[i] - v * k) ** 2 / (v * k), 0);
    expect(col(rep.columns, 'c').score).toBeCloseTo(chiSquareSf(stat, 2), 12);
    expect(col(rep.columns, 'c').reference_hist).toEqual(keys.map((value, i) => ({ value, count: rc[i] })));

    // z: share of the first sorted value (false) in each sample.
    const f = col(rep.columns, 'f');
    expect(f.score).toBeCloseTo(zTest(refF.filter((v) => !v).length, refF.length, curF.filter((v) => !v).length, curF.length).pValue, 12);
    expect(rep.drift_share).toBeCloseTo(rep.columns.filter((c) => c.drifted).length / 4, 12);
    expect(rep.dataset_drift).toBe(rep.drift_share >= 0.5);
  });

  // Large reference (> 1000 rows): Wasserstein and Jensen–Shannon.
  const bigRef = Array.from({ length: 1500 }, () => round(r() * 10));
  const bigCur = Array.from({ length: 1200 }, () => round(r() * 10 + 2));
  const bigRefC = bigRef.map(() => ['x', 'y', 'z', 'w'][Math.floor(r() * 4)]);
  const bigCurC = bigCur.map(() => ['x', 'y', 'z', 'w', 'v'][Math.floor(r() * 5)]);
  ws.write('big/ref.csv', csv(['v', 'c'], bigRef.map((v, i) => [v, bigRefC[i]])));
  ws.write('big/cur.csv', csv(['v', 'c'], bigCur.map((v, i) => [v, bigCurC[i]])));

  test('large reference: normalised Wasserstein for numbers, Jensen–Shannon for categories', async () => {
    const engine = await engineFor(ws.dir);
    const rep = await driftReport(engine, sourceRelation(await source(engine, ws.dir, 'big/ref.csv')), sourceRelation(await source(engine, ws.dir, 'big/cur.csv')));
    const v = col(rep.columns, 'v');
    expect(v.method).toBe('wasserstein');
    // From fine bins: within the documented bound of the exact distance.
    expect(Math.abs(v.score! - ecdfGap(bigRef, bigCur).w / popSd(bigRef))).toBeLessThanOrEqual(0.001);
    expect(v.drifted).toBe(true);
    const c = col(rep.columns, 'c');
    expect(c.method).toBe('jensenshannon');
    const keys = ['v', 'w', 'x', 'y', 'z'];
    expect(c.score).toBeCloseTo(jensenShannon(counts(bigRefC, keys).map((n) => n / 1500), counts(bigCurC, keys).map((n) => n / 1200)), 12);
    expect(c.current_hist).toEqual(keys.map((value, i) => ({ value, count: counts(bigCurC, keys)[i] })));
  });

  test('Wasserstein is exact when the values are few, or when an outlier would need too many bins', async () => {
    const few = (n: number, shift: number) => Array.from({ length: n }, () => 1 + Math.floor(r() * 8) + shift);
    const [fr, fc] = [few(1500, 0), few(1300, 1)];
    // One huge value stretches the range ~10⁹-fold beyond the spread of the rest.
    const wide = (n: number, shift: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 1e9 : round(r() + shift)));
    const [wr, wc] = [wide(1500, 0), wide(1300, 0.2)];
    ws.write('exact/ref.csv', csv(['few', 'wide'], fr.map((v, i) => [v, wr[i]])));
    ws.write('exact/cur.csv', csv(['few', 'wide'], fc.map((v, i) => [v, wc[i]])));
    const engine = await engineFor(ws.dir);
    const rep = await driftReport(engine, sourceRelation(await source(engine, ws.dir, 'exact/ref.csv')), sourceRelation(await source(engine, ws.dir, 'exact/cur.csv')));
    expect(col(rep.columns, 'few').method).toBe('wasserstein');
    expect(col(rep.columns, 'few').score).toBeCloseTo(ecdfGap(fr, fc).w / popSd(fr), 12);
    // 8 distinct reference values (≤ 20): value counts over both samples' values (1..9), not bins.
    expect(col(rep.columns, 'few').reference_hist.map((h) => ('value' in h ? h.value : null))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(col(rep.columns, 'wide').score).toBeCloseTo(ecdfGap(wr, wc).w / popSd(wr), 9);
  });

  test('forced PSI on a numeric column: Sturges bins over both samples, zeros filled', async () => {
    const engine = await engineFor(ws.dir);
    const rep = await driftReport(engine, sourceRelation(await source(engine, ws.dir, 'big/ref.csv')), sourceRelation(await source(engine, ws.dir, 'big/cur.csv')), { method: 'psi', columns: ['v'] });
    const lo = Math.min(...bigRef, ...bigCur), hi = Math.max(...bigRef, ...bigCur);
    const bins = Math.ceil(Math.log2(bigRef.length + bigCur.length) + 1);
    const binOf = (x: number) => Math.min(bins - 1, Math.floor((x - lo) / ((hi - lo) / bins)));
    const hist = (xs: number[]) => { const h = new Array(bins).fill(0); xs.forEach((x) => h[binOf(x)]++); return h; };
    const [hr, hc] = [hist(bigRef), hist(bigCur)];
    const v = rep.columns[0];
    expect(v.method).toBe('psi');
    expect(v.reference_hist.map((b) => b.count)).toEqual(hr);
    expect(v.current_hist.map((b) => b.count)).toEqual(hc);
    expect(v.score).toBeCloseTo(psi(fillZeroes(hr.map((n) => n / 1500)), fillZeroes(hc.map((n) => n / 1200))), 12);
    expect(v.threshold).toBe(0.1);
  });

  test('a method that does not fit a column type, and an unknown column', async () => {
    const engine = await engineFor(ws.dir);
    const ref = sourceRelation(await source(engine, ws.dir, 'big/ref.csv'));
    const cur = sourceRelation(await source(engine, ws.dir, 'big/cur.csv'));
    const rep = await driftReport(engine, ref, cur, { method: 'ks' });
    expect(col(rep.columns, 'c')).toMatchObject({ score: null, drifted: false, error: "ks needs a numeric column; 'c' is VARCHAR" });
    expect(rep.drift_share).toBe(1); // only v counted, and it drifted
    await expect(driftReport(engine, ref, cur, { columns: ['vv'] })).rejects.toThrow("the reference data has no column 'vv' — did you mean 'v'?");
  });

  test('identical data does not drift', async () => {
    const engine = await engineFor(ws.dir);
    const ref = sourceRelation(await source(engine, ws.dir, 'big/ref.csv'));
    const rep = await driftReport(engine, ref, ref);
    expect(rep.columns.map((c) => c.score)).toEqual([0, 0]);
    expect(rep.dataset_drift).toBe(false);
  });
});
