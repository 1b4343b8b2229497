// Graph patches (webviews/canvas/graph-patch.ts): after a gesture the host sends only what changed.
// Applying the patch of a → b to a must give b exactly (order included: ELK and the drawing order
// follow it), keep the objects of what did not change, and refuse a patch made for another graph.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { applyGraphPatch, diffGraph, isEmptyPatch } from '../../webviews/canvas/graph-patch.js';
import type { CanvasGraph } from '../../webviews/canvas/protocol.js';
import { isHostToCanvas } from '../../webviews/canvas/protocol-guards.js';
import { canvasGraphOf } from './browser/canvas-fixture.js';

const CHURN = readFileSync('samples/churn/churn.mlpipe', 'utf8');
let churn: CanvasGraph;
beforeAll(async () => {
  churn = await canvasGraphOf(CHURN);
});

/** The text with `block` inserted before the line holding `before`. */
const insertBefore = (text: string, before: string, block: string): string => {
  const at = text.indexOf(before);
  if (at < 0) throw new Error(`no '${before}'`);
  const line = text.lastIndexOf('\n', at) + 1;
  return text.slice(0, line) + block + text.slice(line);
};

describe('graph patches', () => {
  test('texts before and after real edits: the patch rebuilds the next graph, in order', async () => {
    const nextTexts = [
      // a block inserted between others (the order changes), reading an existing node
      insertBefore(CHURN, 'step train', '  source extra "x" {\n    path "x.csv"\n  }\n\n'),
      // a property changed (one node changes, edges too)
      CHURN.replace('inputs [train_rows.rows]', 'inputs [train_rows.rows, events]'),
      // a block removed
      CHURN.replace(/ {2}monitor [\s\S]*?\n {2}\}\n/, ''),
    ];
    for (const [i, text] of nextTexts.entries()) {
      const next = await canvasGraphOf(text);
      expect(next).not.toEqual(churn);
      const patch = diffGraph(churn, next);
      expect(!!patch.nodeOrder).toBe(i === 0);
      expect(patch.nodes.length).toBeLessThan(next.nodes.length);
      expect(applyGraphPatch(structuredClone(churn), structuredClone(patch))).toEqual(next);
    }
  });

  test('unchanged nodes and edges keep their objects; an empty patch gives the same graph', () => {
    const next: CanvasGraph = structuredClone(churn);
    next.nodes[2] = { ...next.nodes[2], description: 'changed' };
    next.nodes.push({ id: 'added', kind: 'source', specId: 'source', outputs: [], props: [], problems: [] });
    next.edges.splice(1, 1);
    const patch = diffGraph(churn, next);
    expect(patch.nodes.map((n) => n.id)).toEqual([churn.nodes[2].id, 'added']);
    expect(patch.removedEdges).toEqual([churn.edges[1].id]);
    expect(patch.nodeOrder).toBeUndefined();
    const applied = applyGraphPatch(churn, patch);
    expect(applied).toEqual(next);
    applied.nodes.forEach((n, i) => {
      if (i !== 2 && n.id !== 'added') expect(n).toBe(churn.nodes[i]);
    });
    const same = diffGraph(churn, structuredClone(churn));
    expect(isEmptyPatch(same)).toBe(true);
    expect(applyGraphPatch(churn, same)).toBe(churn);
  });

  test('name, targets and a new order travel only when they changed', () => {
    const next: CanvasGraph = { ...churn, name: 'renamed', targets: [...churn.targets, 'gpu'], nodes: [...churn.nodes].reverse() };
    const patch = diffGraph(churn, next);
    expect(patch).toMatchObject({ name: 'renamed', targets: next.targets, nodes: [], nodeOrder: next.nodes.map((n) => n.id) });
    expect(applyGraphPatch(churn, patch)).toEqual(next);
  });

  test('a patch for another graph is refused, not half applied', () => {
    const other: CanvasGraph = { name: 'p', targets: [], nodes: [], edges: [] };
    const next: CanvasGraph = { ...churn, nodes: [...churn.nodes].reverse() };
    expect(() => applyGraphPatch(other, diffGraph(churn, next))).toThrow(/graph patch/);
  });

  test('the canvas checks a patch message before applying it', () => {
    const patch = diffGraph(churn, { ...churn, name: 'x' });
    expect(isHostToCanvas({ type: 'documentPatch', version: 2, base: 1, patch })).toBe(true);
    expect(isHostToCanvas({ type: 'documentPatch', version: 2, base: 1, patch: { ...patch, nodes: [{ kind: 'source' }] } })).toBe(false);
    expect(isHostToCanvas({ type: 'documentPatch', version: 2, base: 1, patch: { ...patch, removedEdges: [3] } })).toBe(false);
    expect(isHostToCanvas({ type: 'documentPatch', version: 2, patch })).toBe(false);
  });
});
