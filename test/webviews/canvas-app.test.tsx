import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { BLOCK_SPECS } from '../../language-server/schema/property-schema.js';
import { CanvasApp } from '../../webviews/canvas/components/CanvasApp.js';
import { PALETTE_MIME } from '../../webviews/canvas/components/palette-items.js';
import { layoutGraph } from '../../webviews/canvas/layout/elk-layout.js';
import type { CanvasGraph, HostToCanvas } from '../../webviews/canvas/protocol.js';
import { canvasGraphOf } from './browser/canvas-fixture.js';
import { fakeVsCode, type FakeVsCode } from './fake-vscode.js';

let churn: CanvasGraph;
beforeAll(async () => {
  churn = await canvasGraphOf(readFileSync('samples/churn/churn.mlpipe', 'utf8'));
});

const init: HostToCanvas = { type: 'init', fileName: 'churn.mlpipe', schemas: [...BLOCK_SPECS], positions: {}, readOnly: false };

/**
 * Renders the canvas, does the handshake and waits until the graph's nodes are drawn. The canvas has
 * no positions, so it asks for a layout, and the first document carries one, as from the host.
 */
async function openCanvas(graph: CanvasGraph = churn, extra: Partial<Extract<HostToCanvas, { type: 'document' }>> = {}): Promise<FakeVsCode> {
  const vscode = fakeVsCode();
  render(<CanvasApp host={vscode.host} />);
  expect(screen.getByText(/Loading the pipeline/)).toBeTruthy();
  expect(vscode.posted).toEqual([{ type: 'ready', layout: true }]);
  await vscode.send(init);
  await vscode.send({ type: 'document', version: 1, graph, layout: await layoutGraph(graph), ...extra });
  await waitFor(() => expect(document.querySelectorAll('[data-node-id]')).toHaveLength(graph.nodes.length));
  return vscode;
}

const node = (id: string) => document.querySelector<HTMLElement>(`[data-node-id="${id}"]`)!;

describe('canvas webview', () => {
  test('handshake first, then one node per block and the edges between them', async () => {
    await openCanvas();
    expect(churn.nodes.map((n) => n.id)).toContain('train');
    expect(within(node('train')).getByText('node step')).toBeTruthy();
    expect(node('events').dataset.kind).toBe('source');
    expect(document.querySelectorAll('.react-flow__edge').length).toBeGreaterThan(10);
  });

  test('a malformed host message is ignored, not thrown', async () => {
    const vscode = await openCanvas();
    await vscode.send({ type: 'document', version: 'x', graph: 5 });
    await vscode.send({ type: 'bogus' });
    expect(document.querySelectorAll('[data-node-id]')).toHaveLength(churn.nodes.length);
  });

  test('diagnostics show as a badge with the message on hover', async () => {
    const graph: CanvasGraph = {
      ...churn,
      nodes: churn.nodes.map((n) => (n.id === 'activity' ? { ...n, problems: [{ severity: 'error', message: "'evnts' is not declared", line: 37, code: 'unresolved-reference' }] } : n)),
    };
    await openCanvas(graph);
    const badge = node('activity').querySelector('.mp-badge-error')!;
    expect(badge.getAttribute('title')).toBe("line 38: 'evnts' is not declared");
    expect(node('events').querySelector('.mp-badge')).toBeNull();
  });

  test('a syntax error keeps the last graph and says so; gestures wait for valid text', async () => {
    const vscode = await openCanvas();
    await vscode.send({ type: 'document', version: 2, graph: churn, syntaxError: { message: "Expecting '}'", line: 20 } });
    expect(screen.getByTestId('syntax-banner').textContent).toMatch(/line 21: Expecting '}'.*last valid graph/);
    expect(document.querySelectorAll('[data-node-id]')).toHaveLength(churn.nodes.length);
    fireEvent.click(screen.getByTestId('palette-source'));
    expect(vscode.sent('intent')).toEqual([]);
    expect(screen.getByTestId('notice').textContent).toMatch(/paused until the text parses/);
    await vscode.send({ type: 'document', version: 3, graph: churn });
    expect(screen.queryByTestId('syntax-banner')).toBeNull();
  });

  test('a text that never parsed shows no graph, only the banner', async () => {
    const vscode = fakeVsCode();
    render(<CanvasApp host={vscode.host} />);
    await vscode.send(init);
    await vscode.send({ type: 'document', version: 1, graph: null, syntaxError: { message: 'bad', line: 0 } });
    expect(screen.getByTestId('syntax-banner').textContent).toMatch(/does not parse yet/);
    expect(document.querySelectorAll('[data-node-id]')).toHaveLength(0);
  });

  test('dropping a palette item asks for a new block where it was dropped', async () => {
    const vscode = await openCanvas();
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? '', get types() { return [...data.keys()]; }, effectAllowed: '', dropEffect: '' };
    fireEvent.dragStart(screen.getByTestId('palette-step-python'), { dataTransfer });
    const pane = document.querySelector('.react-flow')!;
    fireEvent.dragOver(pane, { dataTransfer, clientX: 400, clientY: 300 });
    fireEvent.drop(pane, { dataTransfer, clientX: 400, clientY: 300 });
    const [sent] = vscode.sent('intent');
    expect(sent.intent).toEqual({ type: 'addNode', kind: 'step', stepKind: 'python' });
    expect(sent.at).toEqual({ x: expect.any(Number), y: expect.any(Number) });
    expect(data.get(PALETTE_MIME)).toBe(JSON.stringify({ kind: 'step', stepKind: 'python' }));
  });

  test('Enter on a palette item adds the block in the middle of the view', async () => {
    const vscode = await openCanvas();
    fireEvent.keyDown(screen.getByTestId('palette-model'), { key: 'Enter' });
    expect(vscode.sent('intent')[0].intent).toEqual({ type: 'addNode', kind: 'model' });
  });

  test('double-click on a name renames through an intent; Escape cancels', async () => {
    const vscode = await openCanvas();
    fireEvent.doubleClick(within(node('events')).getByText('events'));
    const input = screen.getByLabelText('Rename events') as HTMLInputElement;
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByLabelText('Rename events')).toBeNull();
    fireEvent.doubleClick(within(node('events')).getByText('events'));
    const again = screen.getByLabelText('Rename events') as HTMLInputElement;
    fireEvent.change(again, { target: { value: 'clicks' } });
    fireEvent.keyDown(again, { key: 'Enter' });
    expect(vscode.sent('intent').map((m) => m.intent)).toEqual([{ type: 'rename', id: 'events', newName: 'clicks' }]);
  });

  test('clicking a node reveals its block and opens the side form from its schema', async () => {
    const vscode = await openCanvas();
    fireEvent.click(node('train'));
    expect(vscode.sent('reveal')).toEqual([{ type: 'reveal', id: 'train', openText: false }]);
    const form = await screen.findByTestId('side-form');
    expect(within(form).getByText('node step')).toBeTruthy();
    // Every property of a node step, with the value as written.
    const script = form.querySelector<HTMLInputElement & HTMLElement>('[data-testid="prop-script"]')!;
    expect(script.value).toBe('steps/train.mjs');
    expect(form.querySelector<HTMLInputElement & HTMLElement>('[data-testid="prop-inputs"]')!.value).toBe('[train_rows.rows]');
    fireEvent.click(within(form).getByText('Show in text'));
    expect(vscode.sent('reveal')[1]).toEqual({ type: 'reveal', id: 'train', openText: true });
  });

  test('on a narrow canvas a click only selects; "Properties" opens the form over the graph', async () => {
    const narrow = (query: string) => ({ matches: query.includes('max-width'), media: query, addEventListener: () => undefined, removeEventListener: () => undefined }) as unknown as MediaQueryList;
    window.matchMedia = narrow;
    try {
      await openCanvas();
      fireEvent.click(node('train'));
      await waitFor(() => expect(node('train').classList.contains('mp-selected')).toBe(true));
      expect(screen.queryByTestId('side-form')).toBeNull();
      fireEvent.click(screen.getByTitle('Properties of the selected node'));
      expect(within(await screen.findByTestId('side-form')).getByRole('heading').textContent).toBe('train');
    } finally {
      delete (window as { matchMedia?: unknown }).matchMedia;
    }
  });

  test('changing a field writes only that property', async () => {
    const vscode = await openCanvas();
    fireEvent.click(node('train'));
    const form = await screen.findByTestId('side-form');
    const setField = (key: string, value: string) => {
      const field = form.querySelector<HTMLInputElement & HTMLElement>(`[data-testid="prop-${key}"]`)!;
      field.value = value;
      field.dispatchEvent(new Event('change', { bubbles: true }));
    };
    setField('script', 'steps/train2.mjs');
    setField('retries', '3');
    setField('retries', '3.5');
    setField('resources', '');
    expect(vscode.sent('intent').map((m) => m.intent)).toEqual([
      { type: 'setPropertyText', id: 'train', key: 'script', text: '"steps/train2.mjs"' },
      { type: 'setPropertyText', id: 'train', key: 'retries', text: '3' },
      { type: 'setPropertyText', id: 'train', key: 'resources', text: '' },
    ]);
    expect(form.textContent).toMatch(/retries takes a whole number/);
  });

  test('the cursor in the text selects the node on the canvas, without echo; an open form follows it', async () => {
    const vscode = await openCanvas();
    await vscode.send({ type: 'select', id: 'profile' });
    await waitFor(() => expect(node('profile').classList.contains('mp-selected')).toBe(true));
    // Typing in the text does not pop the form open...
    expect(screen.queryByTestId('side-form')).toBeNull();
    expect(vscode.sent('reveal')).toEqual([]);
    // ...but once opened from the canvas, it follows the cursor.
    fireEvent.click(node('events'));
    expect(within(await screen.findByTestId('side-form')).getByRole('heading').textContent).toBe('events');
    await vscode.send({ type: 'select', id: 'profile' });
    expect(within(screen.getByTestId('side-form')).getByRole('heading').textContent).toBe('profile');
    fireEvent.click(screen.getByLabelText('Close the properties'));
    expect(screen.queryByTestId('side-form')).toBeNull();
    await vscode.send({ type: 'select', id: null });
    await waitFor(() => expect(node('profile').classList.contains('mp-selected')).toBe(false));
  });

  test('run status overlay: state and duration per node, a new run replaces the old', async () => {
    const vscode = await openCanvas();
    await vscode.send({ type: 'runStatus', update: { runId: 'r1', reset: true, nodes: { train: { state: 'running' }, holdout: { state: 'cached' } } } });
    expect(node('train').querySelector('[data-run-state="running"]')!.textContent).toBe('running');
    await vscode.send({ type: 'runStatus', update: { runId: 'r1', nodes: { train: { state: 'succeeded', durationMs: 1234 } } } });
    expect(node('train').querySelector('.mp-run')!.textContent).toBe('succeeded · 1.2 s');
    expect(node('holdout').querySelector('.mp-run')!.textContent).toBe('cached');
    await vscode.send({ type: 'runStatus', update: { runId: 'r2', nodes: { evaluate: { state: 'failed', durationMs: 800, message: 'gate auc >= 0.7: 0.61' } } } });
    expect(node('holdout').querySelector('.mp-run')).toBeNull();
    expect(node('evaluate').querySelector('.mp-run')!.getAttribute('title')).toBe('failed · 800 ms: gate auc >= 0.7: 0.61');
  });

  test('Delete on a selected node asks the host to delete it (the text decides)', async () => {
    const vscode = await openCanvas();
    await vscode.send({ type: 'select', id: 'churn_api' });
    await waitFor(() => expect(node('churn_api').classList.contains('mp-selected')).toBe(true));
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'Delete', code: 'Delete' });
    });
    await act(async () => {
      fireEvent.keyUp(document.body, { key: 'Delete', code: 'Delete' });
    });
    await waitFor(() => expect(vscode.sent('delete')).toHaveLength(1));
    expect(vscode.sent('delete')[0].nodes).toEqual(['churn_api']);
    // Still drawn: only a new graph from the host removes it.
    expect(node('churn_api')).toBeTruthy();
  });

  test('hand-placed positions from the host win; Auto-layout forgets them', async () => {
    const vscode = await openCanvas();
    await vscode.send({ type: 'positions', positions: { events: { x: 5000, y: 7000 } } });
    await waitFor(() => expect(node('events').closest('.react-flow__node')!.getAttribute('style')).toMatch(/translate\(5000px, ?7000px\)/));
    fireEvent.click(screen.getByText('Auto-layout'));
    expect(vscode.sent('resetLayout')).toHaveLength(1);
    // The host answers the layout request with the graph laid out again.
    expect(vscode.sent('layout')).toHaveLength(1);
    await vscode.send({ type: 'positions', positions: {} });
    await vscode.send({ type: 'document', version: 1, graph: churn, layout: { ...(await layoutGraph(churn)), events: { x: 1, y: 2 } } });
    await waitFor(() => expect(node('events').closest('.react-flow__node')!.getAttribute('style')).toMatch(/translate\(1px, ?2px\)/));
  });

  test('the canvas draws the positions the host laid out, and draws nothing before they come', async () => {
    const vscode = fakeVsCode();
    render(<CanvasApp host={vscode.host} />);
    await vscode.send(init);
    await vscode.send({ type: 'document', version: 1, graph: churn });
    // Asked in `ready`; no layout of its own, so no node is drawn (nowhere to draw it) yet.
    expect(vscode.posted[0]).toEqual({ type: 'ready', layout: true });
    expect(document.querySelectorAll('[data-node-id]')).toHaveLength(0);
    const layout = Object.fromEntries(churn.nodes.map((n, i) => [n.id, { x: 1000 + i, y: 2000 + i }]));
    await vscode.send({ type: 'document', version: 1, graph: churn, layout });
    await waitFor(() => expect(document.querySelectorAll('[data-node-id]')).toHaveLength(churn.nodes.length));
    expect(node(churn.nodes[3].id).closest('.react-flow__node')!.getAttribute('style')).toMatch(/translate\(1003px, ?2003px\)/);
    expect(vscode.sent('layout')).toHaveLength(0);
  });

  test('saved positions: the canvas asks for no layout and draws the graph at once', async () => {
    const auto = Object.fromEntries(churn.nodes.map((n, i) => [n.id, { x: 10 * i, y: 500 }]));
    const vscode = fakeVsCode({ auto });
    render(<CanvasApp host={vscode.host} />);
    expect(vscode.posted).toEqual([{ type: 'ready' }]);
    await vscode.send(init);
    await vscode.send({ type: 'document', version: 1, graph: churn });
    await waitFor(() => expect(document.querySelectorAll('[data-node-id]')).toHaveLength(churn.nodes.length));
    expect(node(churn.nodes[2].id).closest('.react-flow__node')!.getAttribute('style')).toMatch(/translate\(20px, ?500px\)/);
  });

  test('new blocks from the text appear next to what they read, without moving the others', async () => {
    const vscode = await openCanvas();
    const before = node('train').closest('.react-flow__node')!.getAttribute('style');
    const added: CanvasGraph = {
      ...churn,
      nodes: [...churn.nodes, { id: 'report', kind: 'step', stepKind: 'python', specId: 'step:python', outputs: [], props: [], problems: [] }],
      edges: [...churn.edges, { id: 'x', from: 'evaluate', to: 'report', role: 'input' }],
    };
    await vscode.send({ type: 'document', version: 2, graph: added });
    await waitFor(() => expect(node('report')).toBeTruthy());
    expect(node('train').closest('.react-flow__node')!.getAttribute('style')).toBe(before);
  });

  test('the minimap draws every node, one shape per kind, and follows new ones', async () => {
    const vscode = await openCanvas();
    const minimap = () => {
      const paths = [...document.querySelectorAll<SVGPathElement>('[data-testid="rf__minimap"] path.mp-minimap-node')];
      return { kinds: paths.map((p) => p.getAttribute('class')!.replace('mp-minimap-node mp-kind-', '')).sort(), boxes: paths.reduce((n, p) => n + (p.getAttribute('d')!.match(/M/g) ?? []).length, 0) };
    };
    expect(minimap()).toEqual({ kinds: [...new Set(churn.nodes.map((n) => n.kind))].sort(), boxes: churn.nodes.length });
    // The viewport frame is cut out of the mask.
    expect(document.querySelector('[data-testid="rf__minimap"] path.react-flow__minimap-mask')!.getAttribute('d')!.match(/M/g)).toHaveLength(2);
    const added = { ...churn, nodes: [...churn.nodes, { id: 'extra', kind: 'monitor' as const, specId: 'monitor', outputs: [], props: [], problems: [] }] };
    await vscode.send({ type: 'document', version: 2, graph: added });
    await waitFor(() => expect(minimap().boxes).toBe(churn.nodes.length + 1));
  });
});
