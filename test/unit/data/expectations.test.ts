import { describe, expect, test } from 'vitest';
import type { ExpectationModel, Scalar } from '../../../language-server/model/pipeline-model.js';
import { describeSource } from '../../../runtime/data/sources.js';
import { evaluateExpectations } from '../../../runtime/data/expectations.js';
import type { ExpectationResult } from '../../../runtime/data/expectation-result.js';
import { csv, engineFor, rng, source, workspace } from './helpers.js';

const RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
let n = 0;
function exp(kind: ExpectationModel['kind'], fields: Partial<ExpectationModel> = {}): ExpectationModel {
  return { id: `t#${n++}`, kind, severity: 'error', text: `${fields.column ?? ''} ${kind}`.trim(), range: RANGE, ...fields };
}

describe('expectations, by hand', () => {
  const ws = workspace();
  // 10 rows, values chosen so every answer below can be checked by eye.
  const rows: [string | null, number | null, string | null, string | null, string][] = [
    ['a', 25, 'free', 'US', '2024-01-01 00:00:00'],
    ['b', 7, 'pro', 'us', '2024-01-02 00:00:00'],
    ['a', 40, 'team', 'DE', '2024-01-03 00:00:00'],
    ['c', 150, 'free', 'FR', '2024-01-04 00:00:00'],
    [null, 33, 'enterprise', 'Germany', '2024-01-05 00:00:00'],
    ['d', null, 'free', 'GB', '2024-01-06 00:00:00'],
    ['a', 203, 'pro', null, '2024-01-07 00:00:00'],
    ['e', 18, 'free', 'ES', '2024-01-08 00:00:00'],
    ['b', 120, null, 'IT', '2024-01-09 00:00:00'],
    ['f', 61, 'team', 'NL', '2024-01-10 12:00:00'],
  ];
  ws.write('people.csv', csv(['id', 'age', 'plan', 'country', 'seen_at'], rows));
  ws.write('known.csv', csv(['id'], [['a'], ['b'], ['c'], ['d']]));

  async function run(expectations: ExpectationModel[], now?: number): Promise<ExpectationResult[]> {
    const engine = await engineFor(ws.dir);
    const src = await source(engine, ws.dir, 'people.csv');
    const known = await source(engine, ws.dir, 'known.csv');
    const knownCols = await describeSource(engine, known);
    return evaluateExpectations(engine, src, 'people', await describeSource(engine, src), expectations, {
      now, reference: async () => ({ src: known, column: knownCols[0], label: 'known.id' }),
    });
  }

  test('not_null counts nulls over all rows', async () => {
    const [r] = await run([exp('not_null', { column: 'id' })]);
    expect(r).toMatchObject({ success: false, element_count: 10, unexpected_count: 1, unexpected_percent: 10, unexpected_rows: [5], unexpected_sample: [null] });
  });

  test('unique counts every occurrence of a repeated value (GE), ignoring nulls', async () => {
    const [r] = await run([exp('unique', { column: 'id' })]);
    // a ×3 (rows 1, 3, 7), b ×2 (rows 2, 9): 5 of the 9 non-null rows.
    expect(r).toMatchObject({ success: false, unexpected_count: 5, missing_count: 1, unexpected_rows: [1, 2, 3, 7, 9], unexpected_sample: ['a', 'b', 'a', 'a', 'b'] });
    expect(r.unexpected_percent).toBeCloseTo(500 / 9, 12);
  });

  test('between, with and without mostly, strict bounds, and the message', async () => {
    const [plain, lenient, strict] = await run([
      exp('between', { column: 'age', min: 18, max: 120, text: 'age between 18 and 120' }),
      exp('between', { column: 'age', min: 18, max: 120, mostly: 0.6 }),
      exp('between', { column: 'age', min: 18, max: 120, strictMin: true }),
    ]);
    // Non-null ages: 25 7 40 150 33 203 18 120 61 → outside: 7, 150, 203.
    expect(plain).toMatchObject({ success: false, unexpected_count: 3, missing_count: 1, unexpected_rows: [2, 4, 7], unexpected_sample: [7, 150, 203] });
    expect(plain.unexpected_percent).toBeCloseTo(100 / 3, 12);
    expect(plain.message).toBe('age between 18 and 120: 3 of 9 rows (33%) outside; e.g. 7, 150, 203');
    // 6 of 9 pass = 66.7% ≥ 60%.
    expect(lenient.success).toBe(true);
    // > 18 excludes the 18.
    expect(strict.unexpected_count).toBe(4);
  });

  test('in_set and not_in_set ignore nulls', async () => {
    const [inSet, notIn] = await run([
      exp('in_set', { column: 'plan', values: ['free', 'pro', 'team'] }),
      exp('not_in_set', { column: 'plan', values: ['enterprise', 'pro'] }),
    ]);
    expect(inSet).toMatchObject({ success: false, unexpected_count: 1, unexpected_sample: ['enterprise'], unexpected_rows: [5], missing_count: 1 });
    expect(notIn).toMatchObject({ success: false, unexpected_count: 3, unexpected_rows: [2, 5, 7] });
  });

  test('matches uses search semantics like GE (re.search), on non-null values', async () => {
    const [anchored, search] = await run([
      exp('matches', { column: 'country', pattern: '^[A-Z]{2}$' }),
      exp('matches', { column: 'country', pattern: '[A-Z]' }),
    ]);
    expect(anchored).toMatchObject({ unexpected_count: 2, unexpected_sample: ['us', 'Germany'], unexpected_rows: [2, 5] });
    expect(search).toMatchObject({ unexpected_count: 1, unexpected_sample: ['us'] });
  });

  test('length_between', async () => {
    const [r] = await run([exp('length_between', { column: 'plan', min: 3, max: 4 })]);
    // free pro team free enterprise free pro free - team: lengths 4 3 4 4 10 4 3 4 4 → only 'enterprise'.
    expect(r).toMatchObject({ unexpected_count: 1, unexpected_sample: ['enterprise'] });
  });

  test('type: the column type decides; values that do not convert are the sample', async () => {
    const [ageInt, ageDouble, countryInt, bogus] = await run([
      exp('type', { column: 'age', typeName: 'int' }),
      exp('type', { column: 'age', typeName: 'double' }),
      exp('type', { column: 'country', typeName: 'int' }),
      exp('type', { column: 'age', typeName: 'complex' }),
    ]);
    expect(ageInt).toMatchObject({ success: true, observed_value: 'BIGINT', unexpected_count: 0 });
    expect(ageDouble.success).toBe(true);
    expect(countryInt).toMatchObject({ success: false, observed_value: 'VARCHAR', unexpected_count: 9 });
    expect(bogus.error).toMatch(/unknown type 'complex'/);
  });

  test('aggregates equal hand-computed values', async () => {
    const ages = [25, 7, 40, 150, 33, 203, 18, 120, 61];
    const mean = ages.reduce((a, b) => a + b, 0) / ages.length;
    const sd = Math.sqrt(ages.reduce((a, x) => a + (x - mean) ** 2, 0) / (ages.length - 1));
    const results = await run([
      exp('mean_between', { column: 'age', min: 0, max: 60 }),
      exp('median_between', { column: 'age', min: 40, max: 40 }),
      exp('stddev_between', { column: 'age', max: 10 }),
      exp('min_between', { column: 'age', min: 7, max: 7 }),
      exp('max_between', { column: 'age', min: 0, max: 200 }),
      exp('sum_between', { column: 'age', min: 657, max: 657 }),
      exp('row_count', { min: 11 }),
    ]);
    expect(results.map((r) => [r.observed_value, r.success])).toEqual([
      [mean, false], [40, true], [sd, false], [7, true], [203, false], [657, true], [10, false],
    ]);
    expect(results[6].message).toBe('row_count: row_count is 10, expected >= 11');
  });

  test('freshness compares the latest timestamp with the clock', async () => {
    const latest = Date.UTC(2024, 0, 10, 12);
    const [fresh, stale] = await run([
      exp('freshness', { column: 'seen_at', maxAgeMs: 2 * 86_400_000 }),
      exp('freshness', { column: 'seen_at', maxAgeMs: 86_400_000 }),
    ], latest + 36 * 3_600_000);
    expect(fresh).toMatchObject({ success: true, observed_value: '2024-01-10T12:00:00.000Z' });
    expect(stale.success).toBe(false);
  });

  test('compound unique: rows whose combination repeats', async () => {
    ws.write('pairs.csv', csv(['k', 'd'], [['a', 1], ['a', 2], ['a', 1], [null, null], [null, null], ['b', null], ['b', null]]));
    const engine = await engineFor(ws.dir);
    const src = await source(engine, ws.dir, 'pairs.csv');
    const [r] = await evaluateExpectations(engine, src, 'pairs', await describeSource(engine, src), [exp('compound_unique', { columns: ['k', 'd'] })]);
    // (a,1) twice; (b,null) twice (missing values compare equal, like pandas); all-null rows are ignored.
    expect(r).toMatchObject({ unexpected_count: 4, missing_count: 2, unexpected_rows: [1, 3, 6, 7] });
    expect(r.unexpected_sample).toEqual([{ k: 'a', d: 1 }, { k: 'a', d: 1 }, { k: 'b', d: null }, { k: 'b', d: null }]);
  });

  test('values exist in another source (anti-join)', async () => {
    const [r] = await run([exp('values_in', { column: 'id', ref: { node: 'known', member: 'id' }, text: 'id in known.id' })]);
    // ids e and f are unknown (rows 8 and 10).
    expect(r).toMatchObject({ success: false, unexpected_count: 2, unexpected_sample: ['e', 'f'], unexpected_rows: [8, 10] });
    expect(r.message).toBe("id in known.id: 2 of 9 rows (22%) not found in known.id; e.g. 'e', 'f'");
  });

  test('exists, unknown columns with a suggestion, and a bad regex that fails alone', async () => {
    const [present, absent, unknown, badRegex, fine] = await run([
      exp('exists', { column: 'age' }),
      exp('exists', { column: 'agee' }),
      exp('not_null', { column: 'contry' }),
      exp('matches', { column: 'country', pattern: '([A-Z' }),
      exp('not_null', { column: 'age' }),
    ]);
    expect(present.success).toBe(true);
    expect(absent.success).toBe(false);
    expect(absent.message).toContain("did you mean 'age'?");
    expect(unknown.error).toBe("column 'contry' does not exist — did you mean 'country'?");
    expect(badRegex.error).toBeTruthy();
    expect(fine).toMatchObject({ success: false, unexpected_count: 1, unexpected_rows: [6] });
  });

  test('an expectation on an all-null column holds vacuously', async () => {
    ws.write('nulls.csv', 'x,y\n1,\n2,\n');
    const engine = await engineFor(ws.dir);
    const src = await source(engine, ws.dir, 'nulls.csv');
    const [r] = await evaluateExpectations(engine, src, 'nulls', await describeSource(engine, src), [exp('between', { column: 'y', min: 0, max: 1 })]);
    expect(r).toMatchObject({ success: true, unexpected_count: 0, missing_count: 2, unexpected_percent: null });
  });
});

describe('expectations, randomized against a brute-force reference', () => {
  const ws = workspace();

  // The reference: a row is unexpected when the predicate says so, nulls excluded (GE's column-map rule).
  function reference(values: (number | string | null)[], bad: (v: number | string) => boolean) {
    const rows: number[] = [];
    values.forEach((v, i) => { if (v !== null && bad(v)) rows.push(i + 1); });
    const nonnull = values.filter((v) => v !== null).length;
    return { count: rows.length, rows: rows.slice(0, 20), nonnull };
  }

  test.each([1, 2, 3, 4, 5])('seed %i', async (seed) => {
    const r = rng(seed);
    const size = 200 + Math.floor(r() * 800);
    const nums: (number | null)[] = [];
    const words: (string | null)[] = [];
    const pool = ['alpha', 'beta', 'gamma', 'delta', 'Epsilon', 'z9', 'omega-2'];
    for (let i = 0; i < size; i++) {
      nums.push(r() < 0.1 ? null : Math.round((r() * 200 - 50) * 100) / 100);
      words.push(r() < 0.1 ? null : pool[Math.floor(r() * pool.length)]);
    }
    ws.write(`rand${seed}.csv`, csv(['x', 'w'], nums.map((x, i) => [x, words[i]])));
    const lo = Math.round(r() * 50), hi = lo + Math.round(r() * 100);
    const set: Scalar[] = pool.filter(() => r() < 0.5);
    const engine = await engineFor(ws.dir);
    const src = await source(engine, ws.dir, `rand${seed}.csv`);
    const results = await evaluateExpectations(engine, src, 'rand', await describeSource(engine, src), [
      exp('between', { column: 'x', min: lo, max: hi }),
      exp('in_set', { column: 'w', values: set }),
      exp('matches', { column: 'w', pattern: '^[a-z]+$' }),
      exp('not_null', { column: 'x' }),
      exp('between', { column: 'x', min: lo, max: hi, mostly: 0.5 }),
    ]);
    const between = reference(nums, (v) => (v as number) < lo || (v as number) > hi);
    const inSet = reference(words, (v) => !set.includes(v));
    const matches = reference(words, (v) => !/^[a-z]+$/.test(v as string));
    const nulls = nums.flatMap((v, i) => (v === null ? [i + 1] : []));
    expect([results[0].unexpected_count, results[0].unexpected_rows]).toEqual([between.count, between.rows]);
    expect([results[1].unexpected_count, results[1].unexpected_rows]).toEqual([inSet.count, inSet.rows]);
    expect([results[2].unexpected_count, results[2].unexpected_rows]).toEqual([matches.count, matches.rows]);
    expect([results[3].unexpected_count, results[3].unexpected_rows]).toEqual([nulls.length, nulls.slice(0, 20)]);
    expect(results[0].unexpected_percent).toBeCloseTo((100 * between.count) / between.nonnull, 10);
    expect(results[4].success).toBe((between.nonnull - between.count) / between.nonnull >= 0.5);
    expect(results[0].unexpected_sample).toEqual(between.rows.map((row) => nums[row - 1]));
  });
});
