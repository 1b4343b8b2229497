import type { CanvasNode, NodeKind, RunState } from '../protocol.js';

/** Codicon and label per block kind; the colour comes from CSS (`.mp-kind-*`, VS Code theme variables). */
const KIND: Record<NodeKind, { icon: string; label: string }> = {
  source: { icon: 'database', label: 'source' },
  features: { icon: 'symbol-field', label: 'feature view' },
  training_set: { icon: 'git-merge', label: 'training set' },
  step: { icon: 'gear', label: 'step' },
  model: { icon: 'package', label: 'model' },
  deploy: { icon: 'rocket', label: 'deployment' },
  monitor: { icon: 'pulse', label: 'monitor' },
};

const STEP_ICON: Record<string, string> = {
  sql: 'symbol-operator', python: 'symbol-method', notebook: 'notebook', shell: 'terminal', node: 'symbol-event', evaluate: 'beaker',
};

export function kindIcon(kind: NodeKind, stepKind?: string): string {
  return (kind === 'step' && stepKind && STEP_ICON[stepKind]) || KIND[kind].icon;
}

export function kindLabel(node: Pick<CanvasNode, 'kind' | 'stepKind'>): string {
  return node.kind === 'step' && node.stepKind ? `${node.stepKind} step` : KIND[node.kind].label;
}

/** Nodes nothing can read from have no output handle. */
export const hasOutput = (kind: NodeKind): boolean => kind !== 'deploy' && kind !== 'monitor';

export const RUN_ICON: Record<RunState, string> = {
  queued: 'clock', running: 'sync', cached: 'history', succeeded: 'pass', failed: 'error', skipped: 'circle-slash',
};

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
