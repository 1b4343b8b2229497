import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DataEngine } from '../../../runtime/data/engine.js';
import { CancelledError, DataError } from '../../../runtime/data/errors.js';
import { engineFor, workspace } from './helpers.js';

const HEAVY = 'SELECT count(*) AS n FROM range(100000000000) t(i) WHERE i % 7 = 3';

describe('sandbox', () => {
  const ws = workspace();
  ws.write('inside.csv', 'a,b\n1,x\n2,y\n');

  test('files inside the workspace are readable', async () => {
    const engine = await engineFor(ws.dir);
    expect(await engine.rows(`SELECT sum(a) AS s FROM read_csv('${ws.dir}/inside.csv')`)).toEqual([{ s: 3 }]);
  });

  test('reading /etc/passwd is refused with a permission error', async () => {
    const engine = await engineFor(ws.dir);
    const err = await engine.rows("SELECT * FROM read_csv('/etc/passwd')").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).code).toBe('permission');
    expect((err as DataError).message).toContain('/etc/passwd');
  });

  test('COPY TO outside the workspace is refused; inside it works', async () => {
    const engine = await engineFor(ws.dir);
    const outside = join(ws.dir, '..', `mlpipe-escape-${process.pid}.csv`);
    await expect(engine.rows(`COPY (SELECT 1 AS x) TO '${outside}'`)).rejects.toMatchObject({ code: 'permission' });
    expect(existsSync(outside)).toBe(false);
    await engine.rows(`COPY (SELECT 1 AS x) TO '${ws.dir}/out.csv'`);
    expect(readFileSync(join(ws.dir, 'out.csv'), 'utf8')).toBe('x\n1\n');
  });

  test('a sibling folder sharing the prefix is outside (/ws is not /ws2)', async () => {
    const engine = await engineFor(ws.dir);
    await expect(engine.rows(`SELECT * FROM read_csv('${ws.dir}2/x.csv')`)).rejects.toMatchObject({ code: 'permission' });
  });

  test('the settings cannot be undone: the configuration is locked', async () => {
    const engine = await engineFor(ws.dir);
    await expect(engine.rows('SET enable_external_access = true')).rejects.toThrow(/locked/);
    await expect(engine.rows("SET allowed_directories = ['/']")).rejects.toThrow(/locked/);
    // ...on every connection of the pool, not only the one that applied the sandbox.
    const results = await Promise.all([1, 2, 3].map(() => engine.rows("SELECT count(*) FROM read_csv('/etc/passwd')").catch((e: unknown) => (e as DataError).code)));
    expect(results).toEqual(['permission', 'permission', 'permission']);
  });

  test('an untrusted workspace runs no query at all', async () => {
    const engine = await DataEngine.open({ roots: [ws.dir], untrusted: true });
    await expect(engine.rows('SELECT 1')).rejects.toMatchObject({ code: 'untrusted' });
    await expect(engine.session(async () => 1)).rejects.toMatchObject({ code: 'untrusted' });
    engine.close();
  });
});

describe('connection manager', () => {
  const ws = workspace();

  test('aborting interrupts a running query', async () => {
    const engine = await engineFor(ws.dir);
    const ctl = new AbortController();
    const started = performance.now();
    const running = engine.rows(HEAVY, undefined, { signal: ctl.signal });
    await new Promise((r) => setImmediate(r));
    ctl.abort();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    // The full query takes minutes; interrupted, it ends at once.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await engine.rows('SELECT 42 AS x')).toEqual([{ x: 42 }]);
  });

  test('an abort that lands before the query starts still stops it', async () => {
    const engine = await engineFor(ws.dir);
    const ctl = new AbortController();
    const running = engine.rows(HEAVY, undefined, { signal: ctl.signal });
    ctl.abort();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
  });

  test('queries beyond the concurrency bound wait, and leave the queue when aborted', async () => {
    const engine = await engineFor(ws.dir, { maxConcurrent: 1 });
    const first = new AbortController();
    const blocking = engine.rows(HEAVY, undefined, { signal: first.signal });
    const queued = new AbortController();
    const waiting = engine.rows('SELECT 1 AS x', undefined, { signal: queued.signal });
    queued.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    const next = engine.rows('SELECT 2 AS x');
    first.abort();
    await expect(blocking).rejects.toBeInstanceOf(CancelledError);
    expect(await next).toEqual([{ x: 2 }]);
  });

  test('parameters are bound, not spliced: a quote in a value is just a character', async () => {
    const engine = await engineFor(ws.dir);
    const evil = "x'); DROP TABLE t; --";
    expect(await engine.rows('SELECT $v AS v', { v: evil })).toEqual([{ v: evil }]);
  });

  test('session temp tables are dropped when the session ends', async () => {
    const engine = await engineFor(ws.dir, { maxConcurrent: 1 });
    let name = '';
    await engine.session(async (s) => {
      name = s.temp('t');
      await s.run(`CREATE TEMP TABLE ${name} AS SELECT 1 AS x`);
      expect(await s.rows(`SELECT x FROM ${name}`)).toEqual([{ x: 1 }]);
    });
    await expect(engine.rows(`SELECT * FROM ${name}`)).rejects.toThrow(/does not exist/);
  });
});

describe('closing', () => {
  const ws = workspace();

  test('close() interrupts running queries and closes once they return', async () => {
    const engine = await DataEngine.open({ roots: [ws.dir], threads: 2 });
    const running = engine.rows(HEAVY);
    await new Promise((r) => setImmediate(r));
    engine.close();
    await expect(running).rejects.toBeInstanceOf(DataError);
    await expect(engine.rows('SELECT 1')).rejects.toMatchObject({ code: 'cancelled' });
  });
});
