/**
 * The layout sidecar's format: `churn.mlpipe` keeps its hand-placed node positions in
 * `churn.mlpipe.layout.json` beside it. Pure (no vscode) for unit tests. Written with sorted keys,
 * whole pixels and one node per line, so a moved node is a one-line diff.
 */
import type { Positions } from '../../webviews/canvas/protocol.js';
import { isXY } from '../../webviews/canvas/protocol-guards.js';

export const LAYOUT_SUFFIX = '.layout.json';
const VERSION = 1;

/** Tolerant: a missing, empty or hand-broken file means "no positions", never an error. */
export function parseLayout(text: string): Positions {
  try {
    const data: unknown = JSON.parse(text);
    if (typeof data !== 'object' || data === null) return {};
    const positions = (data as { positions?: unknown }).positions;
    if (typeof positions !== 'object' || positions === null) return {};
    const out: Positions = {};
    for (const [id, p] of Object.entries(positions)) if (isXY(p)) out[id] = { x: Math.round(p.x), y: Math.round(p.y) };
    return out;
  } catch {
    return {};
  }
}

export function serializeLayout(pipelineFile: string, positions: Positions): string {
  const ids = Object.keys(positions).sort();
  const lines = ids.map((id, i) => `    ${JSON.stringify(id)}: { "x": ${Math.round(positions[id].x)}, "y": ${Math.round(positions[id].y)} }${i < ids.length - 1 ? ',' : ''}`);
  return [
    '{',
    `  "$comment": ${JSON.stringify(`Node positions of the MLPipe canvas for ${pipelineFile}. Not part of the pipeline: delete it (or use Auto-layout) to lay the canvas out again.`)},`,
    `  "version": ${VERSION},`,
    lines.length ? `  "positions": {\n${lines.join('\n')}\n  }` : '  "positions": {}',
    '}',
    '',
  ].join('\n');
}
