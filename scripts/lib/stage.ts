import { spawn } from 'node:child_process';
import { repoRoot } from './paths.js';

export interface Counts {
  passed: number;
  failed: number;
}

export interface StageResult {
  name: string;
  ok: boolean;
  seconds: number;
  counts?: Counts;
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes are control characters by definition
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Runs one stage command, streaming its output while keeping a copy so `count` can read the test
 * totals from the runner's own summary lines.
 */
export function runStage(name: string, command: string, args: string[], count?: (output: string) => Counts | undefined): Promise<StageResult> {
  console.log(`\n━━ ${name} ━━ ${[command, ...args].join(' ')}`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const tee = (chunk: Buffer, to: NodeJS.WriteStream): void => {
      output += chunk.toString();
      to.write(chunk);
    };
    child.stdout.on('data', (c: Buffer) => tee(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => tee(c, process.stderr));
    const done = (ok: boolean): void => {
      resolve({ name, ok, seconds: (performance.now() - started) / 1000, counts: count?.(output.replace(ANSI, '')) });
    };
    child.on('error', () => done(false));
    child.on('close', (code) => done(code === 0));
  });
}

/** vitest: " Tests  2 failed | 51 passed (53)". */
export function vitestCounts(output: string): Counts | undefined {
  const line = output.split('\n').find((l) => /^\s*Tests\s+\d/.test(l));
  if (!line) return undefined;
  const n = (word: string): number => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: n('passed'), failed: n('failed') };
}

/** test/extension/index.ts: "mlpipe-extension-tests: {"passed":8,"failed":0,...}". */
export function extensionCounts(output: string): Counts | undefined {
  const json = /mlpipe-extension-tests: (\{.*\})/.exec(output)?.[1];
  return json ? (JSON.parse(json) as Counts) : undefined;
}

/** node --test: "ℹ pass 4" / "ℹ fail 0". */
export function nodeTestCounts(output: string): Counts | undefined {
  const pass = /^ℹ pass (\d+)$/m.exec(output);
  const fail = /^ℹ fail (\d+)$/m.exec(output);
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : undefined;
}
