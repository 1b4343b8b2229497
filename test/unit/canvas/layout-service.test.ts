// The canvas's layout in the extension host: ELK in the real worker thread (the bundle the extension
// ships, built by the global setup), cached per graph structure, and no ELK in the webview bundle.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { LayoutService, layoutKey } from '../../../extension/canvas/layout-service.js';
import { layoutGraph } from '../../../webviews/canvas/layout/elk-layout.js';
import { placeNewNodes } from '../../../webviews/canvas/layout/place-new.js';
import type { CanvasGraph } from '../../../webviews/canvas/protocol.js';
import { canvasGraphOf } from '../../webviews/browser/canvas-fixture.js';

const WORKER = resolve('dist/canvas-layout-worker.cjs');
let churn: CanvasGraph;
let service: LayoutService | undefined;
beforeAll(async () => {
  churn = await canvasGraphOf(readFileSync('samples/churn/churn.mlpipe', 'utf8'));
});
afterEach(() => service?.dispose());

/** A service on the real worker bundle that counts the workers it starts. */
function counted(idleMs?: number): { service: LayoutService; started: () => number } {
  let started = 0;
  service = new LayoutService(() => {
    started++;
    return new Worker(WORKER);
  }, idleMs);
  return { service, started: () => started };
}

describe('layout in the host', () => {
  test('the worker lays the graph out exactly as ELK does in this thread', async () => {
    const { service } = counted();
    expect(await service.layout(churn)).toEqual(await layoutGraph(churn));
  });

  test('one layout per graph structure: a text-only change reuses it, a new edge does not', async () => {
    const { service } = counted();
    const first = service.layout(churn);
    const described: CanvasGraph = { ...churn, nodes: churn.nodes.map((n, i) => (i === 0 ? { ...n, description: 'changed', props: [] } : n)) };
    expect(service.layout(described)).toBe(first);
    const connected: CanvasGraph = { ...churn, edges: [...churn.edges, { id: 'x', from: churn.nodes[0].id, to: churn.nodes.at(-1)!.id, role: 'input' }] };
    expect(layoutKey(connected)).not.toBe(layoutKey(churn));
    const second = service.layout(connected);
    expect(second).not.toBe(first);
    expect(Object.keys(await second).sort()).toEqual(churn.nodes.map((n) => n.id).sort());
  });

  test('a worker that dies fails its requests, and the next layout starts a new one', async () => {
    let workers: Worker[] = [];
    service = new LayoutService(() => {
      const w = new Worker(WORKER);
      workers.push(w);
      return w;
    });
    const lost = service.layout(churn);
    await workers[0].terminate();
    await expect(lost).rejects.toThrow(/exited/);
    workers = [];
    expect(Object.keys(await service.layout(churn))).toHaveLength(churn.nodes.length);
    expect(workers).toHaveLength(1);
  });

  test('an idle worker stops, and starts again when needed', async () => {
    const { service, started } = counted(50);
    await service.layout(churn);
    // The idle timer is the service's own; wait for the exit it causes, not for a fixed time.
    await new Promise<void>((done) => {
      const check = () => (service.running ? setTimeout(check, 20) : done());
      check();
    });
    await service.layout({ ...churn, edges: [] });
    expect(started()).toBe(2);
  });

  test('a layout ELK has not finished in time gives every node a simple place now, and ELK\'s own later', async () => {
    const { service } = counted();
    // No worker answers within a millisecond (it has not even loaded ELK yet).
    const impatient = await service.layoutWithin(churn, 1);
    expect(impatient.late).toBe(true);
    expect(impatient.positions).toEqual(placeNewNodes(churn, {}));
    expect(Object.keys(impatient.positions).sort()).toEqual(churn.nodes.map((n) => n.id).sort());
    // ELK went on; once done, the same graph's layout is its own, at once.
    const elk = await service.layout(churn);
    expect(elk).toEqual(await layoutGraph(churn));
    expect(await service.layoutWithin(churn, 1)).toEqual({ positions: elk, late: false });
  });

  test('the webview bundle carries no ELK: the layout comes from the host', () => {
    const bundle = readFileSync('dist/webviews/canvas.js', 'utf8');
    expect(bundle).not.toContain('org.eclipse.elk');
    expect(readFileSync(WORKER, 'utf8')).toContain('org.eclipse.elk');
  });
});
