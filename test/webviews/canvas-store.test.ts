// The store's redraw decisions: what React Flow is handed after each host message. A list handed
// again as a new array makes React Flow walk every node or edge; a stale list would draw the past.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CanvasHost } from '../../webviews/canvas/host.js';
import { diffGraph } from '../../webviews/canvas/graph-patch.js';
import { layoutGraph } from '../../webviews/canvas/layout/elk-layout.js';
import type { CanvasGraph, CanvasToHost } from '../../webviews/canvas/protocol.js';
import { createCanvasStore, type CanvasStore } from '../../webviews/canvas/state/canvas-store.js';
import { canvasGraphOf } from './browser/canvas-fixture.js';

let churn: CanvasGraph;
beforeAll(async () => {
  churn = await canvasGraphOf(readFileSync('samples/churn/churn.mlpipe', 'utf8'));
});

const host: CanvasHost = { post: () => undefined, listen: () => () => undefined, savedState: () => undefined, saveState: () => undefined };

/** A store that has drawn `graph` (laid out by ELK, as the host does). */
async function drawn(graph: CanvasGraph): Promise<CanvasStore> {
  const store = createCanvasStore(host, () => false);
  store.getState().receive({ type: 'init', fileName: 'churn.mlpipe', schemas: [], positions: {}, readOnly: false });
  store.getState().receive({ type: 'document', version: 1, graph, layout: await layoutGraph(graph) });
  await until(store, () => store.getState().nodes.length === graph.nodes.length);
  return store;
}

/** Resolves once `ready()` holds after a store change (the layout is asynchronous). */
function until(store: CanvasStore, ready: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (ready()) return resolve();
    const stop = store.subscribe(() => {
      if (!ready()) return;
      stop();
      resolve();
    });
  });
}

describe('canvas store', () => {
  test('a position for a block the text has not got yet changes nothing drawn', async () => {
    const store = await drawn(churn);
    const { nodes, edges } = store.getState();
    store.getState().receive({ type: 'positions', positions: { not_yet: { x: 10, y: 20 } } });
    expect(store.getState().nodes).toBe(nodes);
    expect(store.getState().edges).toBe(edges);
    expect(store.getState().manual).toEqual({ not_yet: { x: 10, y: 20 } });
  });

  test('the next model after a gesture: unchanged nodes and edges keep their objects, the new ones are drawn', async () => {
    const store = await drawn(churn);
    const before = store.getState();
    store.getState().receive({ type: 'positions', positions: { added: { x: 10, y: 20 } } });
    const next: CanvasGraph = structuredClone(churn);
    next.nodes.push({ id: 'added', kind: 'source', specId: 'source', outputs: [], props: [], problems: [] });
    next.edges.push({ id: 'added->train:input', from: 'added', to: 'train', role: 'input' });
    store.getState().receive({ type: 'document', version: 2, graph: next });
    await until(store, () => store.getState().nodes.length === next.nodes.length);
    const after = store.getState();
    expect(after.nodes.find((n) => n.id === 'added')!.position).toEqual({ x: 10, y: 20 });
    expect(after.nodes.filter((n) => n.id !== 'added')).toEqual(before.nodes);
    after.nodes.filter((n) => n.id !== 'added').forEach((n, i) => expect(n).toBe(before.nodes[i]));
    expect(after.edges).toHaveLength(before.edges.length + 1);
    expect(after.edges.filter((e) => e.source !== 'added').every((e) => before.edges.includes(e))).toBe(true);
  });

  test('a node whose text changed is redrawn with the new content; a removed edge is gone', async () => {
    const store = await drawn(churn);
    const before = store.getState();
    const next: CanvasGraph = structuredClone(churn);
    next.nodes[0].description = 'changed';
    const dropped = next.edges.pop()!;
    store.getState().receive({ type: 'document', version: 2, graph: next });
    await until(store, () => store.getState().nodes !== before.nodes);
    const after = store.getState();
    expect(after.nodes[0]).not.toBe(before.nodes[0]);
    expect(after.nodes[0].data.node.description).toBe('changed');
    expect(after.edges.some((e) => e.data!.refs.some((r) => r.id === dropped.id))).toBe(false);
  });

  test('a patch gives the same graph and drawing as the full message, keeping unchanged nodes', async () => {
    const next: CanvasGraph = structuredClone(churn);
    next.nodes.splice(1, 0, { id: 'added', kind: 'source', specId: 'source', outputs: [], props: [], problems: [] });
    next.nodes[4] = { ...next.nodes[4], problems: [{ severity: 'warning', message: 'late', line: 3 }] };
    next.edges.push({ id: 'added->train:input', from: 'added', to: 'train', role: 'input' });
    const full = await drawn(churn);
    full.getState().receive({ type: 'document', version: 2, graph: next });
    await until(full, () => full.getState().nodes.length === next.nodes.length);
    const patched = await drawn(churn);
    const before = patched.getState();
    patched.getState().receive({ type: 'documentPatch', version: 2, base: 1, patch: structuredClone(diffGraph(churn, next)) });
    await until(patched, () => patched.getState().nodes.length === next.nodes.length);
    const after = patched.getState();
    expect(after.graph).toEqual(next);
    expect(after.version).toBe(2);
    expect(after.nodes).toEqual(full.getState().nodes);
    expect(after.edges).toEqual(full.getState().edges);
    const changed = new Set(['added', next.nodes[4].id]);
    for (const n of after.nodes.filter((x) => !changed.has(x.id))) expect(n).toBe(before.nodes.find((b) => b.id === n.id));
    expect(after.nodes.find((n) => n.id === next.nodes[4].id)!.data.node.problems).toEqual([{ severity: 'warning', message: 'late', line: 3 }]);
  });

  test('a patch for a version the canvas is not at asks the host for everything again', async () => {
    const posted: CanvasToHost[] = [];
    const store = createCanvasStore({ ...host, post: (m) => posted.push(m) }, () => false);
    store.getState().receive({ type: 'init', fileName: 'churn.mlpipe', schemas: [], positions: {}, readOnly: false });
    store.getState().receive({ type: 'document', version: 1, graph: churn, layout: await layoutGraph(churn) });
    await until(store, () => store.getState().nodes.length === churn.nodes.length);
    const { graph } = store.getState();
    store.getState().receive({ type: 'documentPatch', version: 3, base: 2, patch: diffGraph(churn, { ...churn, name: 'x' }) });
    expect(posted).toEqual([{ type: 'ready' }]);
    expect(store.getState().graph).toBe(graph);
    expect(store.getState().version).toBe(1);
  });
});
