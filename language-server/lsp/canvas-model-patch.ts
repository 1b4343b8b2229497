import type { PipelineEdge, SourceRange } from '../model/pipeline-model.js';
import type { CanvasModel, CanvasModelNode } from './protocol.js';

/**
 * A pushed canvas model written as the change from the model pushed before it for the same document,
 * so that a gesture on 200 nodes sends about 2 kB instead of 140 kB (written, piped and read on
 * every change while a canvas is open). Each entry of `nodes` and `edges` is the index of an equal
 * item of the base, `[index, lines]` for a base node every line of which moved by `lines` (text was
 * inserted or deleted above it: most nodes, after a gesture), or the item itself.
 */
export interface CanvasModelPatch {
  name: string;
  nodes: Array<number | [number, number] | CanvasModelNode>;
  edges: Array<number | PipelineEdge>;
  targets: CanvasModel['targets'];
}

export function diffCanvasModel(base: CanvasModel, next: CanvasModel): CanvasModelPatch {
  const nodeAt = new Map<string, number>();
  base.nodes.forEach((n, i) => nodeAt.set(n.id, i));
  const nodes = next.nodes.map((n): CanvasModelPatch['nodes'][number] => {
    const i = nodeAt.get(n.id);
    if (i === undefined) return n;
    const lines = n.range.start.line - base.nodes[i].range.start.line;
    if (!sameNode(base.nodes[i], n, lines)) return n;
    return lines ? [i, lines] : i;
  });
  const edgeAt = new Map<string, number>();
  base.edges.forEach((e, i) => edgeAt.set(edgeKey(e), i));
  return { name: next.name, nodes, edges: next.edges.map((e) => edgeAt.get(edgeKey(e)) ?? e), targets: next.targets };
}

/** The model `diffCanvasModel(base, next)` was made from; unchanged items are `base`'s own objects. */
export function applyCanvasModelPatch(base: CanvasModel, patch: CanvasModelPatch): CanvasModel {
  const old = <T>(items: readonly T[], i: number): T => {
    if (!(i >= 0 && i < items.length)) throw new Error(`canvas model patch: no item ${i} in its base`);
    return items[i];
  };
  return {
    name: patch.name,
    nodes: patch.nodes.map((e) => (typeof e === 'number' ? old(base.nodes, e) : Array.isArray(e) ? movedNode(old(base.nodes, e[0]), e[1]) : e)),
    edges: patch.edges.map((e) => (typeof e === 'number' ? old(base.edges, e) : e)),
    targets: patch.targets,
  };
}

// The comparison and the copy below name each field, which is several times faster than walking any
// object (this runs on every change while a canvas is open, mostly before the JIT has warmed up).
// These lists make a field added to the canvas model a compile error here until both handle it.
type KeysOf<T> = T extends unknown ? keyof T : never;
const _nodeFields = { id: 1, description: 1, range: 1, nameRange: 1, props: 1, kind: 1, stepKind: 1, outputs: 1 } satisfies Record<KeysOf<CanvasModelNode>, 1>;
const _propFields = { key: 1, range: 1 } satisfies Record<keyof CanvasModelNode['props'][number], 1>;
const _outputFields = { name: 1 } satisfies Record<keyof Extract<CanvasModelNode, { kind: 'step' }>['outputs'][number], 1>;
// The edge's key is all of it: an edge of the base with the same key is equal.
const _edgeFields = { from: 1, fromPort: 1, to: 1, role: 1 } satisfies Record<keyof PipelineEdge, 1>;
void [_nodeFields, _propFields, _outputFields, _edgeFields];

const edgeKey = (e: PipelineEdge): string => `${e.from}\0${e.fromPort ?? '\u0001'}\0${e.to}\0${e.role}`;

/** `b` equals `a` with every line moved by `lines`. */
function sameNode(a: CanvasModelNode, b: CanvasModelNode, lines: number): boolean {
  if (a.id !== b.id || a.kind !== b.kind || a.description !== b.description || ('description' in a) !== ('description' in b)) return false;
  if (!sameRange(a.range, b.range, lines) || !sameRange(a.nameRange, b.nameRange, lines) || a.props.length !== b.props.length) return false;
  for (let i = 0; i < a.props.length; i++) {
    if (a.props[i].key !== b.props[i].key || !sameRange(a.props[i].range, b.props[i].range, lines)) return false;
  }
  if (a.kind !== 'step' || b.kind !== 'step') return true;
  if (a.stepKind !== b.stepKind || a.outputs.length !== b.outputs.length) return false;
  for (let i = 0; i < a.outputs.length; i++) if (a.outputs[i].name !== b.outputs[i].name) return false;
  return true;
}

function sameRange(a: SourceRange, b: SourceRange, lines: number): boolean {
  return a.start.line + lines === b.start.line && a.start.character === b.start.character && a.end.line + lines === b.end.line && a.end.character === b.end.character;
}

const movedRange = (r: SourceRange, lines: number): SourceRange => ({
  start: { line: r.start.line + lines, character: r.start.character },
  end: { line: r.end.line + lines, character: r.end.character },
});

/** Built field by field in the server's order (custom-requests.ts `canvasModelOf`): no spread, as there. */
function movedNode(n: CanvasModelNode, lines: number): CanvasModelNode {
  const base: { id: string; description?: string } = { id: n.id };
  if ('description' in n) base.description = n.description;
  const node = Object.assign(base, {
    range: movedRange(n.range, lines), nameRange: movedRange(n.nameRange, lines), props: n.props.map((p) => ({ key: p.key, range: movedRange(p.range, lines) })),
  });
  return n.kind === 'step' ? Object.assign(node, { kind: n.kind, stepKind: n.stepKind, outputs: n.outputs }) : Object.assign(node, { kind: n.kind });
}
