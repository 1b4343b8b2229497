import type { NodeKind } from '../protocol.js';

export interface PaletteItem {
  kind: NodeKind;
  stepKind?: string;
  label: string;
  /** Key of the property schema whose doc is the item's tooltip. */
  specId: string;
}

export const PALETTE: readonly PaletteItem[] = [
  { kind: 'source', label: 'Source', specId: 'source' },
  { kind: 'features', label: 'Feature view', specId: 'features' },
  { kind: 'training_set', label: 'Training set', specId: 'training_set' },
  ...['sql', 'python', 'notebook', 'shell', 'node', 'evaluate'].map((k): PaletteItem => ({
    kind: 'step', stepKind: k, label: `${k === 'sql' ? 'SQL' : k[0].toUpperCase() + k.slice(1)} step`, specId: `step:${k}`,
  })),
  { kind: 'model', label: 'Model', specId: 'model' },
  { kind: 'deploy', label: 'Deployment', specId: 'deploy' },
  { kind: 'monitor', label: 'Monitor', specId: 'monitor' },
];

/** The drag-and-drop payload type: a palette item travels as JSON under this MIME type. */
export const PALETTE_MIME = 'application/x-mlpipe-block';

export function parsePaletteDrop(data: string): PaletteItem | undefined {
  try {
    const x: unknown = JSON.parse(data);
    if (typeof x !== 'object' || x === null) return undefined;
    const { kind, stepKind } = x as { kind?: unknown; stepKind?: unknown };
    return PALETTE.find((p) => p.kind === kind && p.stepKind === (typeof stepKind === 'string' ? stepKind : undefined));
  } catch {
    return undefined;
  }
}
