import type { CompareOp, GateModel } from '../../language-server/model/pipeline-model.js';
import type { GateResult } from '../exec/events.js';

export function compare(a: number, op: CompareOp, b: number): boolean {
  switch (op) {
    case '>=': return a >= b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '<': return a < b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}

/** Checks gates against metrics; a metric that is missing fails its gate (never passes silently). */
export function checkGates(gates: readonly GateModel[], metrics: Record<string, number>): GateResult[] {
  return gates.map((g) => {
    const value = metrics[g.metric] ?? null;
    const passed = value !== null && g.value !== null && compare(value, g.op, g.value);
    return { gate: `${g.metric} ${g.op} ${g.value ?? g.param ?? '?'}`, metric: g.metric, value, passed };
  });
}

/** "gate auc >= 0.8 failed: auc = 0.7412" for each failed gate. */
export function gateFailures(results: readonly GateResult[]): string[] {
  return results.filter((r) => !r.passed).map((r) =>
    `gate ${r.gate} failed: ${r.value === null ? `no metric '${r.metric}' was computed` : `${r.metric} = ${round(r.value)}`}`);
}

export function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4).replace(/\.?0+$/, '');
}
