import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import type { RunEvent } from '../../../runtime/exec/events.js';
import { planPipeline, runPipeline, type RunOptions, type RunResult } from '../../../runtime/exec/executor.js';
import { findByTokenPrefix } from '../../../runtime/exec/process-tree.js';
import { loadPipeline } from '../../../runtime/pipeline/load.js';
import { workspaceAt, type Workspace } from '../../../runtime/store/workspace.js';

export interface TestWorkspace {
  dir: string;
  ws: Workspace;
  write(rel: string, text: string): string;
  path(rel: string): string;
}

/** A throw-away workspace (its own `.mlpipe/` store), removed after the test file. */
export function tempWorkspace(prefix = 'mlpipe-runtime-test-'): TestWorkspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    ws: workspaceAt(dir),
    write: (rel, text) => {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
    path: (rel) => join(dir, rel),
  };
}

export interface Ran extends RunResult {
  events: RunEvent[];
  of<T extends RunEvent['type']>(type: T): Extract<RunEvent, { type: T }>[];
  /** Ids of the steps that ran / came from the cache, sorted. */
  ran: string[];
  cached: string[];
}

/** Loads and validates a pipeline (failing the test on errors) and runs it in-process, collecting events. */
export async function run(t: TestWorkspace, file: string, opts: Partial<RunOptions> = {}): Promise<Ran> {
  const events: RunEvent[] = [];
  const r = await runPipeline({
    ...(await options(t, file)), retryBaseMs: 10, graceMs: 2000, pollMs: 20, ...opts,
    onEvent: (e) => { events.push(e); opts.onEvent?.(e); },
  });
  const of = <T extends RunEvent['type']>(type: T) => events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
  return {
    ...r, events, of,
    ran: of('step_finished').map((e) => e.step).sort(),
    cached: of('step_cached').map((e) => e.step).sort(),
  };
}

export async function plan(t: TestWorkspace, file: string, opts: Partial<RunOptions> = {}) {
  return planPipeline({ ...(await options(t, file)), ...opts });
}

async function options(t: TestWorkspace, file: string): Promise<RunOptions> {
  const abs = resolve(t.dir, file);
  const { model, diagnostics } = await loadPipeline(abs);
  const errors = diagnostics.filter((d) => (d.severity ?? 1) === 1);
  if (errors.length) throw new Error(`${file}: ${errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}`);
  return { file: abs, model, workspace: t.ws };
}

/** Processes still alive that belong to any step of `runId` (found by their step token). */
export function leftovers(runId: string): number[] {
  return findByTokenPrefix(`${runId}/`).map((p) => p.pid);
}

/** Resolves when `check()` is true, polling (for conditions only the file system can tell). */
export async function until(check: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const CLI = resolve('bin/mlpipe.cjs');

/** Starts the real CLI; `lines` collects stdout lines as they come, `exited` resolves with the code. */
export function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; lines: string[]; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, lines, stderr: () => err, exited };
}
