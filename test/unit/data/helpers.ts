import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { DataEngine, type EngineOptions } from '../../../runtime/data/engine.js';
import { resolveSource, type ResolvedSource } from '../../../runtime/data/sources.js';

/** A throw-away workspace folder, removed after the test file. */
export function workspace(): { dir: string; write: (rel: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-data-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write: (rel, text) => {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
  };
}

const engines: DataEngine[] = [];
// Registered when the test file imports this module: hooks added from inside a running test are ignored.
afterAll(() => { for (const e of engines.splice(0)) e.close(); });

/** A sandboxed engine on `dir`, closed after the test file. */
export async function engineFor(dir: string, extra: Partial<EngineOptions> = {}): Promise<DataEngine> {
  const engine = await DataEngine.open({ roots: [dir], threads: 2, ...extra });
  engines.push(engine);
  return engine;
}

export function source(engine: DataEngine, dir: string, path: string): Promise<ResolvedSource> {
  return resolveSource(engine, { path, baseDir: dir });
}

export { prng as rng } from '../../prng.js';

export function csv(header: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

export function closeTo(actual: number | null | undefined, expected: number, relTol = 1e-9): boolean {
  if (actual === null || actual === undefined) return false;
  return Math.abs(actual - expected) <= relTol * Math.max(1, Math.abs(expected));
}
