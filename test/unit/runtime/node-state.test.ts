import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { NodeState } from '../../../runtime/exec/node-state.js';
import type { KeyComponents } from '../../../runtime/store/cache.js';
import { workspaceAt } from '../../../runtime/store/workspace.js';

// The node-state file (why a node reruns): components stored as text and parsed on demand, lines of the
// earlier format still read, a torn last line skipped, a cached rerun writes nothing.

const root = mkdtempSync(join(tmpdir(), 'mlpipe-node-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const comps = (input: string): KeyComponents => ({ definition: { kind: 'k1' }, params: { lr: 0.1 }, code: {}, inputs: { x: input }, env: {} });

test('records round-trip, the earlier format is read, a torn last line is skipped, an unchanged key writes nothing', () => {
  const ws = workspaceAt(join(root, 'a'));
  const pipeline = join(ws.root, 'p.mlpipe');
  const first = new NodeState(ws, pipeline);
  first.set('a', { key: 'ka', components: comps('1'), run: 'r1' });
  first.set('b', { key: 'kb', components: comps('2'), run: 'r1' });
  first.close();
  const dir = join(ws.store, 'state', 'nodes');
  const file = join(dir, readdirSync(dir)[0]);
  // Components are text inside the line: the line itself stays flat.
  expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0])).toEqual({ node: 'a', key: 'ka', run: 'r1', c: JSON.stringify(comps('1')) });

  // A line of the earlier format (components as an object), then a line cut short by a crash.
  writeFileSync(file, `${readFileSync(file, 'utf8')}${JSON.stringify({ node: 'c', key: 'kc', components: comps('3'), run: 'r0' })}\n{"node":"a","key":"torn","run":"r2","c":"{\\"defin`);
  const second = new NodeState(ws, pipeline);
  expect(second.get('a')).toEqual({ key: 'ka', components: comps('1'), run: 'r1' });
  expect(second.get('b')).toEqual({ key: 'kb', components: comps('2'), run: 'r1' });
  expect(second.get('c')).toEqual({ key: 'kc', components: comps('3'), run: 'r0' });
  expect(second.get('d')).toBeUndefined();
  second.close();

  // Without the torn fragment (a later append would otherwise join it on one unreadable line).
  writeFileSync(file, readFileSync(file, 'utf8').replace(/\{"node":"a","key":"torn".*$/, ''));
  const before = readFileSync(file, 'utf8');
  second.set('a', { key: 'ka', components: comps('1'), run: 'r9' });
  expect(readFileSync(file, 'utf8')).toBe(before);
  second.set('b', { key: 'kb2', components: comps('22'), run: 'r9' });
  second.close();

  const third = new NodeState(ws, pipeline);
  expect(third.get('b')).toEqual({ key: 'kb2', components: comps('22'), run: 'r9' });
  expect(third.get('c')?.components).toEqual(comps('3'));
  third.close();
});

test('compaction keeps the last record of each node, in the current format', () => {
  const ws = workspaceAt(join(root, 'b'));
  const pipeline = join(ws.root, 'p.mlpipe');
  const s = new NodeState(ws, pipeline);
  for (let i = 0; i < 120; i++) s.set('a', { key: `k${i}`, components: comps(String(i)), run: `r${i}` });
  s.close();
  mkdirSync(join(ws.store, 'state', 'nodes'), { recursive: true });
  const compacted = new NodeState(ws, pipeline);
  compacted.close();
  const dir = join(ws.store, 'state', 'nodes');
  const lines = readFileSync(join(dir, readdirSync(dir)[0]), 'utf8').trim().split('\n');
  expect(lines.map((l) => JSON.parse(l))).toEqual([{ node: 'a', key: 'k119', run: 'r119', c: JSON.stringify(comps('119')) }]);
  expect(new NodeState(ws, pipeline).get('a')).toEqual({ key: 'k119', components: comps('119'), run: 'r119' });
});
