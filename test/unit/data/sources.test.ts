import { describe, expect, test } from 'vitest';
import { describeSource, fromClause, resolveSource } from '../../../runtime/data/sources.js';
import { profileSource } from '../../../runtime/data/profile.js';
import { DataError } from '../../../runtime/data/errors.js';
import { Binder } from '../../../runtime/data/sql.js';
import { engineFor, source, workspace } from './helpers.js';

async function failure(p: Promise<unknown>): Promise<DataError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(DataError);
  return e as DataError;
}

describe('source readers', () => {
  const ws = workspace();

  test('CSV, TSV, Parquet, JSON and NDJSON read to the same rows', async () => {
    const engine = await engineFor(ws.dir);
    ws.write('f/a.csv', 'id,name\n1,ann\n2,bob\n');
    ws.write('f/a.tsv', 'id\tname\n1\tann\n2\tbob\n');
    ws.write('f/a.json', '[{"id":1,"name":"ann"},{"id":2,"name":"bob"}]');
    ws.write('f/a.ndjson', '{"id":1,"name":"ann"}\n{"id":2,"name":"bob"}\n');
    await engine.rows(`COPY (SELECT * FROM (VALUES (1, 'ann'), (2, 'bob')) t(id, name)) TO '${ws.dir}/f/a.parquet' (FORMAT parquet)`);
    for (const f of ['a.csv', 'a.tsv', 'a.json', 'a.ndjson', 'a.parquet']) {
      const src = await source(engine, ws.dir, `f/${f}`);
      const b = new Binder();
      const rows = await engine.rows(`SELECT id, name FROM ${fromClause(src, b)} ORDER BY id`, b.params);
      expect(rows, f).toEqual([{ id: 1, name: 'ann' }, { id: 2, name: 'bob' }]);
    }
  });

  test('a glob reads every matching file, in sorted order, and stamps each', async () => {
    const engine = await engineFor(ws.dir);
    ws.write('g/2024-02.csv', 'k,v\nb,2\n');
    ws.write('g/2024-01.csv', 'k,v\na,1\n');
    ws.write('g/notes.txt', 'not data');
    const src = await source(engine, ws.dir, 'g/*.csv');
    expect(src.files.map((f) => f.path.split('/').pop())).toEqual(['2024-01.csv', '2024-02.csv']);
    expect(src.files.every((f) => f.size > 0 && f.mtimeMs > 0)).toBe(true);
    const b = new Binder();
    expect(await engine.rows(`SELECT k, v FROM ${fromClause(src, b)}`, b.params)).toEqual([{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
  });

  test('a malformed CSV row is an error with its line number, early or late in the file', async () => {
    const engine = await engineFor(ws.dir);
    ws.write('bad/early.csv', 'a,b\n1,x\n2,y\n3,z,extra\n4,w\n');
    let late = 'a,b\n';
    for (let i = 0; i < 30000; i++) late += `${i},v${i}\n`;
    late += '7,z,extra\n1,w\n';
    ws.write('bad/late.csv', late);
    const early = await failure(profileSource(engine, await source(engine, ws.dir, 'bad/early.csv')));
    expect(early.code).toBe('malformed-file');
    expect(early.detail.line).toBe(4);
    expect(early.message).toMatch(/early\.csv:4: Expected Number of Columns: 2 Found: 3/);
    const lateErr = await failure(profileSource(engine, await source(engine, ws.dir, 'bad/late.csv')));
    expect(lateErr.detail.line).toBe(30002);
    expect(lateErr.message).toMatch(/late\.csv:30002: Expected Number of Columns: 2 Found: 3/);
  });

  test('a missing file, a glob matching nothing, and an empty file are clear errors', async () => {
    const engine = await engineFor(ws.dir);
    const missing = await failure(source(engine, ws.dir, 'nope/customers.csv'));
    expect(missing.code).toBe('missing-file');
    expect(missing.message).toBe('no such file: nope/customers.csv');
    const glob = await failure(source(engine, ws.dir, 'nope/*.csv'));
    expect(glob.code).toBe('missing-file');
    ws.write('empty.csv', '');
    const empty = await failure(source(engine, ws.dir, 'empty.csv'));
    expect(empty.code).toBe('empty-file');
    expect(empty.message).toContain('empty');
  });

  test('a header-only CSV is zero rows, not an error', async () => {
    const engine = await engineFor(ws.dir);
    ws.write('header-only.csv', 'a,b\n');
    const p = await profileSource(engine, await source(engine, ws.dir, 'header-only.csv'));
    expect(p.rows).toBe(0);
    expect(p.columns.map((c) => [c.name, c.count, c.nulls])).toEqual([['a', 0, 0], ['b', 0, 0]]);
  });

  test('a path outside the workspace is refused before DuckDB is asked', async () => {
    const engine = await engineFor(ws.dir);
    const err = await failure(resolveSource(engine, { path: '/etc/passwd', baseDir: ws.dir }));
    expect(err.code).toBe('permission');
  });

  test('malformed JSON is an error naming the file', async () => {
    const engine = await engineFor(ws.dir);
    ws.write('bad.json', '[{"id": 1}, {"id": 2,,}]');
    const err = await failure(profileSource(engine, await source(engine, ws.dir, 'bad.json')));
    expect(err.message).toMatch(/bad\.json/);
  });

  test('describe reports names and types without scanning', async () => {
    const engine = await engineFor(ws.dir);
    ws.write('types.csv', 'i,d,s,t,b\n1,1.5,x,2024-01-02 03:04:05,true\n');
    const cols = await describeSource(engine, await source(engine, ws.dir, 'types.csv'));
    expect(cols).toEqual([
      { name: 'i', type: 'BIGINT' }, { name: 'd', type: 'DOUBLE' }, { name: 's', type: 'VARCHAR' },
      { name: 't', type: 'TIMESTAMP' }, { name: 'b', type: 'BOOLEAN' },
    ]);
  });
});
