import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkSources, type SourceReport } from '../../../runtime/data/check-sources.js';
import { DataEngine } from '../../../runtime/data/engine.js';
import { CancelledError } from '../../../runtime/data/errors.js';
import { loadPipeline } from '../../../runtime/pipeline/load.js';
import { csv, engineFor, workspace } from './helpers.js';

const PIPELINE = `pipeline shop {
  source customers {
    path "data/customers.csv"
    schema { customer_id: string, age: int, email: string, signup_at: timestamp }
    expect customer_id unique
    expect age between 18 and 120
    expect agee not_null
  }
  source orders {
    path "data/orders/*.csv"
    expect customer_id in customers.customer_id
    expect amount between 0 and 1000 severity warning
  }
  source refunds {
    path "data/refunds.csv"
    expect amount not_null
  }
  source broken {
    path "data/broken.csv"
    expect a not_null
  }
}
`;

describe('checkSources on a parsed pipeline', () => {
  const ws = workspace();
  ws.write('shop.mlpipe', PIPELINE);
  ws.write('data/customers.csv', csv(['customer_id', 'age', 'signup_at'], [['c1', 30, 'abc'], ['c2', 7, '2024-01-01'], ['c3', 45, '2024-01-02']]));
  ws.write('data/orders/1.csv', csv(['customer_id', 'amount'], [['c1', 10], ['c9', 20]]));
  ws.write('data/orders/2.csv', csv(['customer_id', 'amount'], [['c2', 5000], ['c3', 1]]));
  ws.write('data/broken.csv', 'a,b\n1,2\n3,4,5\n');

  async function check(engine: DataEngine, extra: Parameters<typeof checkSources>[3] = {}): Promise<SourceReport[]> {
    const { model } = await loadPipeline(join(ws.dir, 'shop.mlpipe'));
    return checkSources(engine, model, ws.dir, extra);
  }

  test('results carry the expectation id and its range in the document', async () => {
    const engine = await engineFor(ws.dir);
    const [customers, orders] = await check(engine);
    const age = customers.results.find((r) => r.expectation === 'age between 18 and 120')!;
    expect(age).toMatchObject({ id: 'customers#1', success: false, unexpected_count: 1, unexpected_sample: [7] });
    expect(age.range.start.line).toBe(5);
    const ref = orders.results[0];
    expect(ref).toMatchObject({ id: 'orders#0', unexpected_count: 1, unexpected_sample: ['c9'], unexpected_rows: [2] });
    expect(orders.results[1]).toMatchObject({ severity: 'warning', unexpected_rows: [3] });
    expect(orders.rows).toBe(4);
  });

  test('columns the data lacks: did you mean, in expectations and in the schema; declared types are checked', async () => {
    const engine = await engineFor(ws.dir);
    const [customers] = await check(engine);
    expect(customers.results[2].error).toBe("column 'agee' does not exist — did you mean 'age'?");
    const byColumn = Object.fromEntries(customers.problems.map((p) => [p.column, p]));
    expect(byColumn.email).toMatchObject({ code: 'unknown-column', message: "schema: the data has no column 'email'" });
    // signup_at holds 'abc', so the sniffer reads text: declared timestamp, found VARCHAR.
    expect(byColumn.signup_at).toMatchObject({ code: 'schema-type', message: "schema: 'signup_at' is declared timestamp but the data has VARCHAR" });
    expect(byColumn.signup_at.range.start.line).toBe(3);
  });

  test('a missing file and a malformed file become problems on the path, with the data line', async () => {
    const engine = await engineFor(ws.dir);
    const reports = await check(engine);
    const refunds = reports.find((r) => r.source === 'refunds')!;
    expect(refunds.problems).toMatchObject([{ code: 'missing-file', message: 'no such file: data/refunds.csv' }]);
    expect(refunds.problems[0].range.start.line).toBe(14);
    const broken = reports.find((r) => r.source === 'broken')!;
    expect(broken.problems).toMatchObject([{ code: 'malformed-file', line: 3 }]);
  });

  test('unchanged files are not rescanned; a touched file is', async () => {
    const engine = await engineFor(ws.dir);
    const first = await check(engine);
    expect(first[0].results.some((r) => r.cached)).toBe(false);
    const second = await check(engine);
    expect(second[0].results.every((r) => r.cached)).toBe(true);
    expect(second[0].results.map((r) => r.message)).toEqual(first[0].results.map((r) => r.message));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(ws.dir, 'data/customers.csv'), later, later);
    const third = await check(engine);
    expect(third[0].results.every((r) => !r.cached)).toBe(true);
    // The reference expectation depends on customers too.
    expect(third[1].results[0].cached).toBeFalsy();
    expect(third[1].results[1].cached).toBe(true);
  });

  test('reports arrive source by source; an abort cancels the check', async () => {
    const engine = await engineFor(ws.dir);
    const seen: string[] = [];
    const ctl = new AbortController();
    const run = check(engine, {
      signal: ctl.signal,
      onSource: (r) => { seen.push(r.source); ctl.abort(); },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toEqual(['customers']);
  });

  test('untrusted: no data is read', async () => {
    const engine = await DataEngine.open({ roots: [ws.dir], untrusted: true });
    await expect(check(engine)).rejects.toMatchObject({ code: 'untrusted' });
    engine.close();
  });
});
