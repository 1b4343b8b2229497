import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CLI } from './helpers.js';

// bin/mlpipe.cjs loads the bundle through V8's code cache (bin/code-cache.cjs). The CLI must answer the
// same with a cache, without one, and with a cache that is garbage; stale caches are removed.

const home = mkdtempSync(join(tmpdir(), 'mlpipe-code-cache-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const dir = join(home, 'mlpipe', 'code-cache');
const cli = (args: string[], env: Record<string, string> = {}) =>
  execFileSync(process.execPath, [CLI, ...args], { env: { ...process.env, XDG_CACHE_HOME: home, ...env }, encoding: 'utf8' });
const caches = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('cli.cjs-graph-')) : []);

test('the CLI answers alike without a cache, writing it, reading it, and after a garbage cache', () => {
  const file = join(home, 'p.mlpipe');
  writeFileSync(file, 'pipeline p {\n  step a: shell {\n    command "true"\n  }\n  step b: shell {\n    command "true"\n    inputs [a]\n  }\n}\n');
  const plain = cli(['graph', file, '--json'], { MLPIPE_NO_CODE_CACHE: '1' });
  expect(JSON.parse(plain).nodes).toHaveLength(2);
  expect(caches()).toEqual([]);

  expect(cli(['graph', file, '--json'])).toBe(plain);
  expect(caches()).toHaveLength(1);
  const cache = join(dir, caches()[0]);
  const written = readFileSync(cache);
  expect(written.length).toBeGreaterThan(1000);

  expect(cli(['graph', file, '--json'])).toBe(plain);
  // Accepted: not rewritten.
  expect(readFileSync(cache).equals(written)).toBe(true);

  // A cache V8 rejects is replaced; caches of other builds of the same command go.
  writeFileSync(cache, 'garbage');
  writeFileSync(join(dir, 'cli.cjs-graph-v0.0.0-x64-1-1.cache'), 'an old build');
  expect(cli(['graph', file, '--json'])).toBe(plain);
  expect(caches()).toEqual([caches()[0]]);
  expect(readFileSync(cache).length).toBeGreaterThan(1000);
});

test('short CLI commands start with a larger optimisation budget, long-lived ones with V8 defaults', async () => {
  // bin/v8-flags.cjs: TurboFan's compiling cost more than it gave back in a one-second command. The test
  // above runs `graph` with the flag set and checks that its code cache is accepted (not rewritten).
  const { createRequire } = await import('node:module');
  const { cliFlags } = createRequire(import.meta.url)('../../../bin/v8-flags.cjs') as { cliFlags: (c: string) => string[] };
  for (const c of ['run', 'plan', 'graph', 'runs', 'train', 'other']) expect(cliFlags(c)).toEqual(['--interrupt-budget=1000000']);
  for (const c of ['serve', 'deploy', 'score']) expect(cliFlags(c)).toEqual([]);
});
