import { appendFileSync } from 'node:fs';

/**
 * Timestamps of the canvas's round trip (gesture → edits → text change → parse → model → redraw),
 * for `npm run bench -- canvas-e2e`. Off unless the environment names a file in MLPIPE_TRACE; the
 * extension host and the language server (which inherits the host's environment) append to it, so
 * one file holds both processes' steps on the same clock (epoch milliseconds, fractional).
 */
const file = typeof process === 'undefined' ? undefined : process.env.MLPIPE_TRACE;

export const tracing = !!file;

export function trace(step: string): void {
  if (!file) return;
  appendFileSync(file, `${(performance.timeOrigin + performance.now()).toFixed(1)} ${step}\n`);
}
