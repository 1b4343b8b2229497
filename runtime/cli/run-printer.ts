import { round } from '../evaluation/gates.js';
import type { PlannedNode, RunEvent } from '../exec/events.js';
import type { Io } from './output.js';

const ICON = { run: '▶', cached: '↺', pending: '…' } as const;

/** What a plan says, for people: one line per node with its action and why. */
export function printPlan(io: Io, nodes: PlannedNode[]): void {
  const width = Math.max(4, ...nodes.map((n) => n.step.length));
  for (const n of nodes) {
    const what = n.action === 'run' ? 'run' : n.action === 'cached' ? 'cached' : 'run?';
    io.out(`${ICON[n.action]} ${n.step.padEnd(width)}  ${n.kind.padEnd(12)} ${what.padEnd(6)} ${n.why}`);
  }
  const run = nodes.filter((n) => n.action === 'run').length;
  const pending = nodes.filter((n) => n.action === 'pending').length;
  const cached = nodes.filter((n) => n.action === 'cached').length;
  io.out(`${run} to run, ${pending} depending on them (run unless their inputs come out unchanged), ${cached} cached`);
}

/**
 * The human form of the event stream: node status lines, step logs prefixed with the step (as
 * `docker compose` does), and a summary. Metrics show as their final values.
 */
export function humanPrinter(io: Io, opts: { logs: boolean }): (e: RunEvent) => void {
  let width = 8;
  const ms = (n: number) => (n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`);
  return (e) => {
    switch (e.type) {
      case 'run_started': {
        width = Math.max(8, ...e.nodes.map((n) => n.step.length));
        const run = e.nodes.filter((n) => n.action !== 'cached').length;
        io.out(`run ${e.runId}: pipeline ${e.pipeline}, ${e.nodes.length} nodes (${run} to run or check, ${e.nodes.length - run} cached)`);
        break;
      }
      case 'step_started':
        io.out(`▶ ${e.step.padEnd(width)} ${e.kind}${e.attempt > 1 ? ` (attempt ${e.attempt} of ${e.maxAttempts})` : ''}: ${e.why}`);
        break;
      case 'step_cached':
        io.out(`↺ ${e.step.padEnd(width)} cached: ${e.why}`);
        break;
      case 'step_log':
        if (opts.logs) io.out(`  ${e.step.padEnd(width)} | ${e.line}`);
        break;
      case 'step_retry':
        io.out(`⟳ ${e.step.padEnd(width)} attempt ${e.attempt} failed (${e.error}); retrying in ${ms(e.delayMs)}`);
        break;
      case 'step_finished': {
        const m = Object.entries(e.metrics).slice(0, 6).map(([k, v]) => `${k} ${round(v)}`).join(', ');
        io.out(`✓ ${e.step.padEnd(width)} ${ms(e.durationMs)}${m ? `  ${m}` : ''}`);
        break;
      }
      case 'step_failed':
        io.out(`✗ ${e.step.padEnd(width)} ${e.error}`);
        break;
      case 'step_skipped':
        io.out(`- ${e.step.padEnd(width)} skipped: ${e.why}`);
        break;
      case 'model_registered':
        io.out(`◆ ${e.step.padEnd(width)} ${e.model} version ${e.version}${e.created ? ' registered' : ' (already registered)'}${e.aliases.length ? `, @${e.aliases.join(' @')}` : ''}`);
        break;
      case 'run_finished': {
        const c = e.counts;
        io.out(`run ${e.status} in ${ms(e.durationMs)}: ${c.ran} ran, ${c.cached} cached, ${c.failed} failed, ${c.skipped} skipped`);
        break;
      }
      default:
        break;
    }
  };
}
