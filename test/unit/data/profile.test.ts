import { describe, expect, test } from 'vitest';
import { profileSource, profileColumns } from '../../../runtime/data/profile.js';
import { csv, engineFor, rng, source, workspace } from './helpers.js';

// Reference statistics computed here in plain TypeScript, independently of DuckDB.
function mean(xs: number[]): number { return xs.reduce((a, b) => a + b, 0) / xs.length; }
function sampleSd(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}
/** Fraction of values ≤ v: the rank a quantile estimate lands on. */
function rankOf(sorted: number[], v: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] <= v) lo = mid + 1; else hi = mid; }
  return lo / sorted.length;
}

describe('profile', () => {
  const ws = workspace();
  const r = rng(7);
  const n = 3000;
  const ages: (number | null)[] = [];
  const amounts: number[] = [];
  const plans: string[] = [];
  const flags: boolean[] = [];
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    ages.push(i % 10 === 0 ? null : 18 + Math.floor(r() * 60));
    amounts.push(Math.round(Math.exp(r() * 5) * 100) / 100);
    plans.push(r() < 0.6 ? 'free' : r() < 0.7 ? 'pro' : r() < 0.5 ? 'team' : `p${Math.floor(r() * 30)}`);
    flags.push(r() < 0.3);
    times.push(Date.UTC(2024, 0, 1) + Math.floor(r() * 365 * 86400) * 1000);
  }
  ws.write('people.csv', csv(['age', 'amount', 'plan', 'active', 'seen_at'],
    ages.map((a, i) => [a, amounts[i].toFixed(2), plans[i], flags[i], new Date(times[i]).toISOString().replace('T', ' ').replace('.000Z', '')])));

  test('every statistic matches a brute-force reference', async () => {
    const engine = await engineFor(ws.dir);
    const p = await profileSource(engine, await source(engine, ws.dir, 'people.csv'));
    expect(p.rows).toBe(n);
    const col = (name: string) => p.columns.find((c) => c.name === name)!;

    const age = col('age');
    const ageVals = ages.filter((a): a is number => a !== null);
    expect(age.kind).toBe('numeric');
    expect(age.count).toBe(ageVals.length);
    expect(age.nulls).toBe(n - ageVals.length);
    expect(age.min).toBe(Math.min(...ageVals));
    expect(age.max).toBe(Math.max(...ageVals));
    expect(age.mean).toBeCloseTo(mean(ageVals), 9);
    expect(age.stddev).toBeCloseTo(sampleSd(ageVals), 9);
    // Few distinct values are counted exactly.
    expect(age.distinct).toBe(new Set(ageVals).size);
    const sortedAges = [...ageVals].sort((a, b) => a - b);
    // "within 1% of the rank": the estimate's rank lies within one percentage point of the target,
    // allowing for ties (a tied value spans a range of ranks).
    for (const [q, v] of [[0.25, age.p25], [0.5, age.p50], [0.75, age.p75]] as const) {
      const below = rankOf(sortedAges, v! - 1e-9);
      const atOrBelow = rankOf(sortedAges, v!);
      expect(atOrBelow).toBeGreaterThanOrEqual(q - 0.01);
      expect(below).toBeLessThanOrEqual(q + 0.01);
    }
    // 60 whole-number ages fit 20 bins only fractionally: bins are equal-width [lo, hi), last one closed.
    const lo = Math.min(...ageVals), hi = Math.max(...ageVals), w = (hi - lo) / 20;
    const expected = new Array(20).fill(0);
    for (const a of ageVals) expected[Math.min(19, Math.floor((a - lo) / w))]++;
    expect(age.histogram!.map((b) => b.count)).toEqual(expected);
    expect(age.histogram![0].lo).toBe(lo);
    expect(age.histogram![19].hi).toBe(hi);

    const amount = col('amount');
    expect(amount.mean).toBeCloseTo(mean(amounts), 6);
    expect(amount.stddev).toBeCloseTo(sampleSd(amounts), 6);
    const sortedAmounts = [...amounts].sort((a, b) => a - b);
    for (const [q, v] of [[0.25, amount.p25], [0.5, amount.p50], [0.75, amount.p75]] as const) {
      expect(Math.abs(rankOf(sortedAmounts, v!) - q)).toBeLessThanOrEqual(0.01);
    }
    expect(amount.histogram!.reduce((a, b) => a + b.count, 0)).toBe(n);

    const plan = col('plan');
    expect(plan.kind).toBe('text');
    const counts = new Map<string, number>();
    for (const v of plans) counts.set(v, (counts.get(v) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10).map(([value, count]) => ({ value, count }));
    expect(plan.top).toEqual(top);
    expect(plan.distinct).toBe(counts.size);

    const active = col('active');
    expect(active.kind).toBe('boolean');
    const t = flags.filter(Boolean).length;
    expect(active.true_count).toBe(t);
    expect(active.top).toEqual([{ value: false, count: n - t }, { value: true, count: t }]);
    expect(active.distinct).toBe(2);

    const seen = col('seen_at');
    expect(seen.kind).toBe('temporal');
    expect(seen.min).toBe(new Date(Math.min(...times)).toISOString());
    expect(seen.max).toBe(new Date(Math.max(...times)).toISOString());
    expect(seen.histogram).toHaveLength(20);
    const tlo = Math.min(...times), thi = Math.max(...times), tw = (thi - tlo) / 20;
    const texpected = new Array(20).fill(0);
    for (const x of times) texpected[Math.min(19, Math.floor((x - tlo) / tw))]++;
    expect(seen.histogram!.map((b) => b.count)).toEqual(texpected);
  });

  test('a small integer range gets one bin per value; a constant column one bin', async () => {
    ws.write('small.csv', csv(['k', 'c'], [[1, 5], [2, 5], [2, 5], [4, 5], [null, 5]]));
    const engine = await engineFor(ws.dir);
    const p = await profileSource(engine, await source(engine, ws.dir, 'small.csv'));
    const k = p.columns[0];
    expect(k.histogram).toEqual([{ lo: 1, hi: 2, count: 1 }, { lo: 2, hi: 3, count: 2 }, { lo: 3, hi: 4, count: 0 }, { lo: 4, hi: 5, count: 1 }]);
    expect(k.p50).toBe(2);
    expect(p.columns[1].histogram).toEqual([{ lo: 5, hi: 5, count: 5 }]);
    expect(p.columns[1].stddev).toBe(0);
  });

  test('quartiles from a row sample stay within 1% of the rank on Parquet', async () => {
    const engine = await engineFor(ws.dir);
    await engine.rows(`COPY (SELECT (hash(i) % 1000003)::DOUBLE AS v, i FROM range(200000) t(i)) TO '${ws.dir}/big.parquet' (FORMAT parquet)`);
    const p = await profileSource(engine, await source(engine, ws.dir, 'big.parquet'), { columns: ['v'], quantileSample: 20000 });
    const sorted = (await engine.rows(`SELECT v FROM '${ws.dir}/big.parquet' ORDER BY v`)).map((r) => r.v as number);
    const v = p.columns[0];
    expect(p.columns).toHaveLength(1);
    for (const [q, est] of [[0.25, v.p25], [0.5, v.p50], [0.75, v.p75]] as const) {
      expect(Math.abs(rankOf(sorted, est!) - q)).toBeLessThanOrEqual(0.01);
    }
    expect(v.count).toBe(200000);
    // ~180,000 distinct values: estimated from a hash sample, well within 5%.
    const distinct = new Set(sorted).size;
    expect(Math.abs(v.distinct! - distinct) / distinct).toBeLessThanOrEqual(0.03);
  });

  test('high-cardinality text: exact counts for the most frequent values', async () => {
    const engine = await engineFor(ws.dir);
    // 30,000 distinct ids once each, plus 'hot' ×500, 'warm' ×300 and 'mild' ×200.
    await engine.rows(`COPY (SELECT 'id' || i AS s FROM range(30000) t(i)
      UNION ALL SELECT 'hot' FROM range(500) UNION ALL SELECT 'warm' FROM range(300) UNION ALL SELECT 'mild' FROM range(200))
      TO '${ws.dir}/many.parquet' (FORMAT parquet)`);
    const p = await profileSource(engine, await source(engine, ws.dir, 'many.parquet'), { top: 3 });
    expect(p.columns[0].top).toEqual([{ value: 'hot', count: 500 }, { value: 'warm', count: 300 }, { value: 'mild', count: 200 }]);
    expect(Math.abs(p.columns[0].distinct! - 30003) / 30003).toBeLessThanOrEqual(0.03);
  });

  test('unknown column names come back with a suggestion; results are cached by file stamp', async () => {
    const engine = await engineFor(ws.dir);
    const src = await source(engine, ws.dir, 'people.csv');
    await expect(profileSource(engine, src, { columns: ['amout'] })).rejects.toThrow("unknown column 'amout' — did you mean 'amount'?");
    const a = await profileColumns(engine, src, { columns: ['age'] });
    const b = await profileColumns(engine, src, { columns: ['age'] });
    expect(b).toBe(a);
  });
});
