import type { XY } from '../protocol.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const MIN_ZOOM = 0.5;
const MAX_ZOOM = 1;
const PADDING = 24;
/** Nodes starting less than this right of the left-most one count as its column. */
const NODE_COLUMN = 200;

/**
 * The first view of a pipeline: the whole graph when it fits at a readable zoom, else readable
 * (≥ 50 %) and starting at its left edge, where the data comes in. A wide pipeline fitted into a
 * narrow editor would otherwise open as unreadable specks; "Fit view" still shows everything.
 */
export function initialViewport(nodes: readonly (XY & { width: number; height: number })[], pane: { width: number; height: number }): { x: number; y: number; zoom: number } {
  if (!nodes.length) return { x: PADDING, y: PADDING, zoom: MAX_ZOOM };
  const minX = Math.min(...nodes.map((n) => n.x));
  const minY = Math.min(...nodes.map((n) => n.y));
  const maxX = Math.max(...nodes.map((n) => n.x + n.width));
  const maxY = Math.max(...nodes.map((n) => n.y + n.height));
  const width = maxX - minX;
  const height = maxY - minY;
  const fit = Math.min((pane.width - 2 * PADDING) / width, (pane.height - 2 * PADDING) / height);
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, fit));
  const x = width * zoom <= pane.width - 2 * PADDING ? (pane.width - width * zoom) / 2 - minX * zoom : PADDING - minX * zoom;
  // Too tall: start at the top of the left-most column, not of the whole graph, whose top-left corner
  // may be empty (a wide pipeline laid out as a diagonal band would open on nothing).
  const top = Math.min(...nodes.filter((n) => n.x < minX + NODE_COLUMN).map((n) => n.y));
  const y = height * zoom <= pane.height - 2 * PADDING ? (pane.height - height * zoom) / 2 - minY * zoom : PADDING - top * zoom;
  return { x, y, zoom };
}
