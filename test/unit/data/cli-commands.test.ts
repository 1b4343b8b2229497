import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { runCli } from '../../../runtime/cli/cli.js';
import { csv, workspace } from './helpers.js';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await runCli(args, { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } });
  return { code, out, err };
}

describe('data commands: output and exit codes', () => {
  const ws = workspace();
  const people = ws.write('people.csv', csv(['id', 'age', 'plan', 'joined'], [
    [1, 30, 'free', '2024-01-01 00:00:00'], [2, 7, 'pro', '2024-02-01 00:00:00'], [3, 45, 'free', '2024-03-01 00:00:00'],
  ]));

  test('profile --json prints the documented shape; --columns narrows it', async () => {
    const r = await cli('profile', people, '--json', '--columns', 'age,plan');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out);
    expect(Object.keys(p)).toEqual(['rows', 'columns', 'elapsed_ms']);
    expect(p.rows).toBe(3);
    expect(p.columns.map((c: { name: string }) => c.name)).toEqual(['age', 'plan']);
    expect(p.columns[0]).toMatchObject({ name: 'age', type: 'BIGINT', count: 3, nulls: 0, min: 7, max: 45, mean: 82 / 3 });
    expect(p.columns[1].top).toEqual([{ value: 'free', count: 2 }, { value: 'pro', count: 1 }]);
  });

  test('profile writes an Arrow IPC sample with DuckDB types', async () => {
    const out = join(ws.dir, 'sample.arrow');
    expect((await cli('profile', people, '--sample-out', out, '--sample-rows', '2')).code).toBe(0);
    const table = tableFromIPC(readFileSync(out));
    expect(table.numRows).toBe(2);
    expect(table.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ['id', 'Int64'], ['age', 'Int64'], ['plan', 'Utf8'], ['joined', 'Timestamp<MICROSECOND>'],
    ]);
    // Each sampled row is one of the file's rows, intact across all columns.
    const byId: Record<string, [string, number]> = { 1: ['free', Date.UTC(2024, 0, 1)], 2: ['pro', Date.UTC(2024, 1, 1)], 3: ['free', Date.UTC(2024, 2, 1)] };
    for (const row of table.toArray()) {
      const [plan, joined] = byId[String(row.id)];
      expect([row.plan, Number(row.joined)]).toEqual([plan, joined]);
    }
  });

  test('bad input: exit 2 with one clear line on stderr', async () => {
    const missing = await cli('profile', join(ws.dir, 'nope.csv'));
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err).toMatch(/^mlpipe: no such file: .*nope\.csv\n$/);
    const bad = ws.write('bad.csv', 'a,b\n1,2\n3,4,5\n');
    expect((await cli('profile', bad)).err).toMatch(/bad\.csv:3: Expected Number of Columns: 2 Found: 3/);
    expect((await cli('profile')).code).toBe(2);
    expect((await cli('profile', people, '--bogus')).code).toBe(2);
  });

  test('check: exit 1 when an error expectation fails, 0 when only warnings do', async () => {
    ws.write('p.mlpipe', `pipeline p {\n  source people {\n    path "people.csv"\n    expect age between 18 and 120\n    expect plan in ["free"] severity warning\n  }\n}\n`);
    const r = await cli('check', join(ws.dir, 'p.mlpipe'), '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.results[0]).toMatchObject({
      source: 'people', expectation: 'age between 18 and 120', severity: 'error', success: false, element_count: 3,
      unexpected_count: 1, unexpected_sample: [7], unexpected_rows: [2], range: { start: { line: 3, character: 4 } },
    });
    expect(j.results[0].unexpected_percent).toBeCloseTo(100 / 3, 10);
    ws.write('w.mlpipe', `pipeline w {\n  source people {\n    path "people.csv"\n    expect plan in ["free"] severity warning\n  }\n}\n`);
    const w = await cli('check', join(ws.dir, 'w.mlpipe'));
    expect(w.code).toBe(0);
    expect(w.err).toMatch(/w\.mlpipe:4:5: warning data-expectation: plan in \["free"\]: 1 of 3 rows \(33%\) not in the set; e\.g\. 'pro'/);
    expect((await cli('check', join(ws.dir, 'none.mlpipe'))).code).toBe(2);
  });

  test('features ad hoc: --json rows under their own names, stats, and --ttl', async () => {
    const labels = ws.write('l.csv', csv(['id', 'at', 'y'], [[1, '2024-01-10 00:00:00', 1], [2, '2024-01-10 00:00:00', 0]]));
    const feats = ws.write('f.csv', csv(['id', 'ts', 'score'], [[1, '2024-01-09 00:00:00', 5], [1, '2024-01-11 00:00:00', 6], [2, '2024-01-01 00:00:00', 7]]));
    const r = await cli('features', '--labels', labels, '--features', feats, '--entity', 'id', '--label-time', 'at', '--feature-time', 'ts', '--ttl', '48h', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rows).toEqual([
      { id: 1, at: '2024-01-10T00:00:00.000Z', y: 1, score: 5 },
      { id: 2, at: '2024-01-10T00:00:00.000Z', y: 0, score: null },
    ]);
    expect(j.stats.views[0]).toMatchObject({ matched: 1, expired_by_ttl: 1, labels_with_future_rows: 1, future_rows_excluded: 1 });
    expect((await cli('features', '--labels', labels, '--features', feats, '--entity', 'id', '--label-time', 'at', '--feature-time', 'ts', '--ttl', 'soon')).code).toBe(2);
    expect((await cli('features', '--labels', labels)).code).toBe(2);
  });

  test('drift: exit 1 on dataset drift, 0 without; unknown method is a usage error', async () => {
    const a = ws.write('a.csv', csv(['x'], Array.from({ length: 50 }, (_, i) => [i])));
    const b = ws.write('b.csv', csv(['x'], Array.from({ length: 50 }, (_, i) => [i + 40])));
    const drifted = await cli('drift', '--reference', a, '--current', b, '--json');
    expect(drifted.code).toBe(1);
    const j = JSON.parse(drifted.out);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['columns', 'drift_share', 'dataset_drift']));
    expect(Object.keys(j.columns[0])).toEqual(['name', 'type', 'method', 'score', 'threshold', 'drifted', 'reference_hist', 'current_hist']);
    expect((await cli('drift', '--reference', a, '--current', a)).code).toBe(0);
    expect((await cli('drift', '--reference', a, '--current', b, '--method', 'magic')).code).toBe(2);
  });
});
