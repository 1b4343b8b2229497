// The webview's pure parts: layout, placement, React Flow conversion, side-form text rules, guards.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { BLOCK_SPECS } from '../../language-server/schema/property-schema.js';
import { choicesFor, controlFor, displayValue, intentFor } from '../../webviews/canvas/components/property-text.js';
import { parsePaletteDrop } from '../../webviews/canvas/components/palette-items.js';
import { formatDuration } from '../../webviews/canvas/components/kind-style.js';
import { portOfHandle } from '../../webviews/canvas/flow/flow-types.js';
import { sameItems, toFlowEdges, toFlowNodes } from '../../webviews/canvas/flow/to-flow.js';
import { BIG_GRAPH_NODES, layoutGraph, layoutOptionsFor } from '../../webviews/canvas/layout/elk-layout.js';
import { initialViewport } from '../../webviews/canvas/layout/initial-view.js';
import { warmUpLayout } from '../../webviews/canvas/layout/warm-up.js';
import { NODE_WIDTH, nodeHeight } from '../../webviews/canvas/layout/node-size.js';
import { placeNewNodes } from '../../webviews/canvas/layout/place-new.js';
import type { CanvasGraph, CanvasNode, Positions } from '../../webviews/canvas/protocol.js';
import { isCanvasToHost, isHostToCanvas, isIntent } from '../../webviews/canvas/protocol-guards.js';
import { pipelineWithNodes } from '../../bench/canvas-fixture.js';
import { canvasGraphOf } from './browser/canvas-fixture.js';

let churn: CanvasGraph;
beforeAll(async () => {
  churn = await canvasGraphOf(readFileSync('samples/churn/churn.mlpipe', 'utf8'));
});

const overlaps = (p: Positions, graph: CanvasGraph) => {
  const boxes = graph.nodes.filter((n) => p[n.id]).map((n) => ({ ...p[n.id], w: NODE_WIDTH, h: nodeHeight(n.outputs.length) }));
  return boxes.some((a, i) => boxes.some((b, j) => i < j && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h));
};

describe('layout', () => {
  test('ELK lays the churn pipeline out left to right without overlaps', async () => {
    const p = await layoutGraph(churn);
    expect(Object.keys(p).sort()).toEqual(churn.nodes.map((n) => n.id).sort());
    for (const e of churn.edges) expect(p[e.from].x).toBeLessThan(p[e.to].x);
    expect(overlaps(p, churn)).toBe(false);
  });

  test('new nodes go right of their inputs, never on top of another node, and move nobody', async () => {
    const known = await layoutGraph(churn);
    const graph: CanvasGraph = {
      ...churn,
      nodes: [...churn.nodes, node('a'), node('b'), node('lonely')],
      edges: [...churn.edges, { id: '1', from: 'train', to: 'a', role: 'input' }, { id: '2', from: 'train', to: 'b', role: 'input' }],
    };
    const placed = placeNewNodes(graph, known);
    expect(Object.keys(placed).sort()).toEqual(['a', 'b', 'lonely']);
    expect(placed.a.x).toBeGreaterThan(known.train.x + NODE_WIDTH);
    expect(overlaps({ ...known, ...placed }, graph)).toBe(false);
    expect(placeNewNodes({ nodes: [node('x')], edges: [] }, {})).toEqual({ x: { x: 0, y: 0 } });
  });
});

function node(id: string, extra: Partial<CanvasNode> = {}): CanvasNode {
  return { id, kind: 'step', stepKind: 'python', specId: 'step:python', outputs: [], props: [], problems: [], ...extra };
}

describe('React Flow conversion', () => {
  test('unchanged nodes keep their object (no re-render); changed ones get a new one', () => {
    const graph: CanvasGraph = { name: 'p', targets: [], nodes: [node('a'), node('b')], edges: [] };
    const input = { graph, positionOf: () => ({ x: 1, y: 2 }), run: {}, selected: new Set<string>(), readOnly: false };
    const first = toFlowNodes(input, new Map());
    const prev = new Map(first.map((n) => [n.id, n]));
    const second = toFlowNodes({ ...input, graph: { ...graph, nodes: [node('a'), node('b', { description: 'changed' })] } }, prev);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(toFlowNodes({ ...input, selected: new Set(['a']) }, prev)[0].selected).toBe(true);
  });

  test('unchanged edges keep their object; an edge whose references or label changed gets a new one', () => {
    const first = toFlowEdges(churn);
    const prev = new Map(first.map((e) => [e.id, e]));
    // A graph as the next message brings it: equal content, new objects.
    const again = toFlowEdges(structuredClone(churn), prev);
    expect(sameItems(again, first)).toBe(true);
    const changed = structuredClone(churn);
    const fromTrain = changed.edges.find((e) => e.from === 'train' && e.to === 'evaluate')!;
    fromTrain.role = 'reference';
    const next = toFlowEdges(changed, prev);
    const old = first.find((e) => e.source === 'train' && e.target === 'evaluate')!;
    const now = next.find((e) => e.source === 'train' && e.target === 'evaluate')!;
    expect(now).not.toBe(old);
    expect(now.id).not.toBe(old.id);
    // Everything else is the same object as before.
    expect(next.filter((e) => e !== now).every((e) => first.includes(e))).toBe(true);
    // Same references under the same id but another label: a new object.
    const relabelled = new Map(prev);
    relabelled.set(old.id, { ...old, label: 'stale' });
    expect(toFlowEdges(structuredClone(churn), relabelled).find((e) => e.id === old.id)).not.toBe(relabelled.get(old.id));
    expect(sameItems([1, 2], [1, 2])).toBe(true);
    expect(sameItems([1, 2], [1])).toBe(false);
    expect(sameItems([{}], [{}])).toBe(false);
  });

  test('edges attach to the output they read; several feature refs are one labelled line', () => {
    const edges = toFlowEdges(churn);
    const fromTrain = edges.find((e) => e.source === 'train' && e.target === 'evaluate')!;
    expect(fromTrain.sourceHandle).toBe('out:model');
    expect(fromTrain.label).toBe('model');
    const features = edges.filter((e) => e.source === 'activity' && e.target === 'train_data');
    expect(features).toHaveLength(1);
    expect(features[0].label).toBe('features');
    expect(edges.find((e) => e.source === 'train_rows' && e.target === 'train')!.label).toBeUndefined();
    expect(portOfHandle('out:model')).toBe('model');
    expect(portOfHandle('out')).toBeUndefined();
  });
});

describe('side form text rules', () => {
  const spec = (id: string, key: string) => BLOCK_SPECS.find((s) => s.id === id)!.properties.find((p) => p.key === key)!;

  test('controls by value type', () => {
    expect(controlFor(spec('step:python', 'script'))).toBe('string');
    expect(controlFor(spec('step:python', 'target'))).toBe('select');
    expect(controlFor(spec('monitor', 'method'))).toBe('select');
    expect(controlFor(spec('step:python', 'cache'))).toBe('select');
    expect(controlFor(spec('step:sql', 'sql'))).toBe('textarea');
    expect(controlFor(spec('step:python', 'inputs'))).toBe('raw');
    expect(choicesFor(spec('step:python', 'cache'), [])).toEqual(['', 'true', 'false']);
    expect(choicesFor(spec('step:python', 'target'), ['local', 'gpu'])).toEqual(['', 'local', 'gpu']);
  });

  test('strings show unquoted and are written quoted; text blocks show dedented', () => {
    expect(displayValue(spec('step:python', 'script'), '"steps/a \\"b\\".py"')).toBe('steps/a "b".py');
    expect(intentFor('s', spec('step:python', 'script'), '"a.py"', 'b.py')).toEqual({ type: 'setPropertyText', id: 's', key: 'script', text: '"b.py"' });
    expect(displayValue(spec('step:sql', 'sql'), '"""\n      select 1\n        from t\n    """')).toBe('select 1\n  from t');
    expect(intentFor('s', spec('step:sql', 'sql'), '"select 1"', 'select 2\nfrom t')).toEqual({
      type: 'setProperty', id: 's', key: 'sql', value: { type: 'text', value: '  select 2\n  from t' },
    });
  });

  test('no change, required, removal and quick checks', () => {
    expect(intentFor('s', spec('step:python', 'script'), '"a.py"', ' a.py ')).toBeNull();
    expect(intentFor('s', spec('step:python', 'script'), '"a.py"', '')).toBe('script is required');
    expect(intentFor('s', spec('step:python', 'retries'), '1', '')).toEqual({ type: 'setPropertyText', id: 's', key: 'retries', text: '' });
    expect(intentFor('s', spec('step:python', 'retries'), undefined, '')).toBeNull();
    expect(intentFor('s', spec('features', 'ttl'), undefined, '30 days')).toMatch(/duration/);
    expect(intentFor('s', spec('features', 'ttl'), undefined, '30d')).toEqual({ type: 'setPropertyText', id: 's', key: 'ttl', text: '30d' });
    expect(intentFor('s', spec('monitor', 'threshold'), undefined, 'max_psi')).toEqual({ type: 'setPropertyText', id: 's', key: 'threshold', text: 'max_psi' });
  });

  test('palette payloads and durations', () => {
    expect(parsePaletteDrop('{"kind":"step","stepKind":"sql"}')?.label).toBe('SQL step');
    expect(parsePaletteDrop('{"kind":"step","stepKind":"cobol"}')).toBeUndefined();
    expect(parsePaletteDrop('nope')).toBeUndefined();
    expect([formatDuration(12), formatDuration(1500), formatDuration(125_000), formatDuration(7_380_000)]).toEqual(['12 ms', '1.5 s', '2 min 5 s', '2 h 3 min']);
  });
});

describe('message guards', () => {
  test('accept every well-formed message and refuse malformed ones', () => {
    expect(isCanvasToHost({ type: 'ready' })).toBe(true);
    expect(isCanvasToHost({ type: 'intent', intent: { type: 'addNode', kind: 'step', stepKind: 'sql' }, at: { x: 1, y: 2 } })).toBe(true);
    expect(isCanvasToHost({ type: 'intent', intent: { type: 'addNode', kind: 'wizard' } })).toBe(false);
    expect(isCanvasToHost({ type: 'intent', intent: { type: 'addNode', kind: 'step' }, at: { x: 'a', y: 2 } })).toBe(false);
    expect(isCanvasToHost({ type: 'delete', nodes: ['a'], edges: [{ from: 'a', to: 'b', role: 'input' }] })).toBe(true);
    expect(isCanvasToHost({ type: 'delete', nodes: ['a'], edges: [{ from: 'a', to: 'b', role: 'sideways' }] })).toBe(false);
    expect(isCanvasToHost({ type: 'moved', positions: { a: { x: 1, y: Number.NaN } } })).toBe(false);
    expect(isCanvasToHost({ type: 'reveal', id: 'a' })).toBe(false);
    expect(isCanvasToHost({ type: 'timing', name: 'firstPaint', ms: 5, nodes: 3 })).toBe(true);
    expect(isCanvasToHost('ready')).toBe(false);
    expect(isIntent({ type: 'setProperty', id: 'a', key: 'k', value: { type: 'list', items: [{ type: 'ref', path: ['x'] }] } })).toBe(true);
    expect(isIntent({ type: 'setProperty', id: 'a', key: 'k', value: { type: 'list', items: [{ type: 'ref', path: [1] }] } })).toBe(false);
    expect(isIntent({ type: 'setPropertyText', id: 'a', key: 'k', text: 3 })).toBe(false);
    expect(isHostToCanvas({ type: 'runStatus', update: { runId: 'r', nodes: { a: { state: 'running' } } } })).toBe(true);
    expect(isHostToCanvas({ type: 'runStatus', update: { runId: 'r', nodes: { a: { state: 'exploded' } } } })).toBe(false);
    expect(isHostToCanvas({ type: 'select', id: null })).toBe(true);
    expect(isHostToCanvas({ type: 'command', command: 'rm -rf' })).toBe(false);
  });
});

describe('large pipelines', () => {
  test('big graphs get the cheaper ELK options; small ones keep the text order as a constraint', () => {
    expect(layoutOptionsFor(BIG_GRAPH_NODES - 1)['elk.layered.thoroughness']).toBeUndefined();
    expect(layoutOptionsFor(BIG_GRAPH_NODES - 1)['elk.layered.considerModelOrder.strategy']).toBe('NODES_AND_EDGES');
    expect(layoutOptionsFor(BIG_GRAPH_NODES)['elk.layered.thoroughness']).toBe('1');
    expect(layoutOptionsFor(BIG_GRAPH_NODES)['elk.direction']).toBe('RIGHT');
  });

  test('a big pipeline is still laid out left to right without overlaps', async () => {
    const big = await canvasGraphOf(pipelineWithNodes(BIG_GRAPH_NODES + 10));
    expect(big.nodes.length).toBeGreaterThanOrEqual(BIG_GRAPH_NODES);
    const p = await layoutGraph(big);
    expect(Object.keys(p)).toHaveLength(big.nodes.length);
    for (const e of big.edges) expect(p[e.from].x).toBeLessThan(p[e.to].x);
    expect(overlaps(p, big)).toBe(false);
  }, 60_000);

  test('React Flow gets every node measured, with its handles, so it need not render it to measure', () => {
    const graph: CanvasGraph = { name: 'p', nodes: [node('a', { outputs: ['rows', 'model'] }), node('src', { kind: 'source', specId: 'source' }), node('api', { kind: 'deploy', specId: 'deploy' })], edges: [], targets: ['local'] };
    const [a, src, api] = toFlowNodes({ graph, positionOf: () => ({ x: 0, y: 0 }), run: {}, selected: new Set(), readOnly: false }, new Map());
    expect(a.measured).toEqual({ width: NODE_WIDTH, height: nodeHeight(2) });
    expect(a.handles!.map((h) => h.id)).toEqual(['in', 'out:rows', 'out:model']);
    // Output handles sit on the right edge, one per row, inside the node, in order.
    const outs = a.handles!.filter((h) => h.type === 'source');
    expect(outs.every((h) => h.x + h.width! / 2 === NODE_WIDTH)).toBe(true);
    expect(outs[1].y - outs[0].y).toBe(18);
    expect(outs.every((h) => h.y > 0 && h.y + h.height! < nodeHeight(2))).toBe(true);
    // The input is centred on the left edge; a source has one unnamed output; a deployment none.
    expect(a.handles![0]).toMatchObject({ type: 'target', x: -a.handles![0].width! / 2, y: nodeHeight(2) / 2 - a.handles![0].height! / 2 });
    expect(src.handles!.map((h) => h.id)).toEqual(['in', 'out']);
    expect(api.handles!.map((h) => h.id)).toEqual(['in']);
  });

  test('a tall graph opens readable at the top of its left-most column, not on an empty corner', () => {
    // A diagonal band: the left-most node is far below the top of the graph.
    const nodes = Array.from({ length: 30 }, (_, i) => ({ x: i * 300, y: 3000 - i * 100, width: NODE_WIDTH, height: 56 }));
    const v = initialViewport(nodes, { width: 700, height: 800 });
    expect(v.zoom).toBe(0.5);
    const screenY = nodes[0].y * v.zoom + v.y;
    const screenX = nodes[0].x * v.zoom + v.x;
    expect(screenX).toBeGreaterThanOrEqual(0);
    expect(screenY).toBeGreaterThanOrEqual(0);
    expect(screenY + nodes[0].height * v.zoom).toBeLessThanOrEqual(800);
  });

  test('ELK warms up on a small graph until told to stop', async () => {
    expect(await warmUpLayout(() => true)).toBe(0);
    let rounds = 0;
    expect(await warmUpLayout(() => ++rounds > 2)).toBe(2);
  });
});
