import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LaunchSpec, StepExit, StepHooks } from '../../runtime/exec/runner.js';

/** A small local workspace and the launch description the executor would give a runner for it. */
export interface Workspace {
  root: string;
  code: string;
  write(rel: string, text: string): string;
  spec(step: string, command: LaunchSpec['command'], extra?: { inputs?: Record<string, string>; outputs?: Record<string, string>; attempt?: number; runId?: string; env?: Record<string, string> }): LaunchSpec;
  remove(): void;
}

export function workspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'mlpipe-ws-'));
  const code = join(root, 'pipeline');
  mkdirSync(code, { recursive: true });
  let n = 0;
  return {
    root,
    code,
    write(rel, text) {
      const p = join(code, rel);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
    spec(step, command, extra = {}) {
      const runId = extra.runId ?? `run${++n}`;
      const attempt = extra.attempt ?? 1;
      const dir = join(root, '.mlpipe', 'tmp', runId, `${step}.${attempt}`);
      const out = join(dir, 'out');
      mkdirSync(out, { recursive: true });
      const outputs = Object.fromEntries(Object.entries(extra.outputs ?? {}).map(([k, f]) => [k, join(out, f)]));
      // Named as the executor names them (runtime/exec/attempt.ts): `<step>.<attempt>.stdout` and so on.
      const base = join(dir, `${step}.${attempt}`);
      const spool = { stdout: `${base}.stdout`, stderr: `${base}.stderr`, sink: `${base}.sink.jsonl`, status: `${base}.status` };
      return {
        runId, step, attempt, command, cwd: code, spool,
        env: {
          ...process.env as Record<string, string>,
          MLPIPE_RUN_ID: runId, MLPIPE_STEP: step, MLPIPE_ATTEMPT: String(attempt), MLPIPE_WORKSPACE: root,
          MLPIPE_INPUTS: JSON.stringify(extra.inputs ?? {}), MLPIPE_OUTPUTS: JSON.stringify(outputs), MLPIPE_OUTPUT_DIR: out, MLPIPE_SINK: spool.sink,
          ...extra.env,
        },
      };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Hooks that keep every line, and let a test wait until a matching line appears. */
export interface Recorded {
  hooks: StepHooks;
  stdout: string[];
  stderr: string[];
  sink: string[];
  until(stream: 'stdout' | 'stderr', test: (l: string) => boolean): Promise<void>;
}

export function recorder(): Recorded {
  const r = { stdout: [] as string[], stderr: [] as string[], sink: [] as string[] };
  const waiters: { stream: 'stdout' | 'stderr'; test: (l: string) => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (r[w.stream].some(w.test)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  return {
    ...r,
    hooks: {
      log(stream, lines) {
        r[stream].push(...lines);
        check();
      },
      sink(lines) {
        r.sink.push(...lines);
      },
    },
    until(stream, test) {
      return new Promise((resolve) => {
        waiters.push({ stream, test, resolve });
        check();
      });
    },
  };
}

export type { StepExit };
