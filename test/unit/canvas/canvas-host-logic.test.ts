// The canvas host's pure parts: graph preparation from the language server's answer, and the layout sidecar format.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { canvasModelOf, pipelineModelOf } from '../../../language-server/lsp/custom-requests.js';
import { firstSyntaxError, nodeAt, readersOf, toCanvasGraph } from '../../../extension/canvas/canvas-graph.js';
import { parseLayout, serializeLayout } from '../../../extension/canvas/layout-format.js';
import { DocumentSender } from '../../../extension/canvas/document-sender.js';
import { withDiagnostics, withProblemsOf } from '../../../extension/canvas/graph-problems.js';
import { applyGraphPatch } from '../../../webviews/canvas/graph-patch.js';
import { parse } from '../language/parse-helper.js';

const TEXT = `pipeline p {
  source events { path "e.csv" }
  step prep: sql {
    inputs [events, events]
    sql """
      select 1
    """
    outputs { out: "o.parquet", extra: "x.parquet" }
    retries nope
  }
  step train: python {
    script "t.py"
    inputs [prep.out]
  }
}
`;

async function graphOf(text: string) {
  const { doc } = await parse(text);
  const result = pipelineModelOf(doc);
  const td = TextDocument.create('file:///x', 'mlpipe', 1, text);
  return { result, graph: toCanvasGraph(result, (r) => td.getText(r)) };
}

describe('canvas graph from the model', () => {
  test('nodes with their kind, outputs, property text and problems; edges once each', async () => {
    const { graph } = await graphOf(TEXT);
    const prep = graph.nodes.find((n) => n.id === 'prep')!;
    expect(prep).toMatchObject({ kind: 'step', stepKind: 'sql', specId: 'step:sql', outputs: ['out', 'extra'] });
    expect(prep.props.find((p) => p.key === 'sql')!.text).toBe('"""\n      select 1\n    """');
    expect(prep.props.find((p) => p.key === 'inputs')!.text).toBe('[events, events]');
    expect(prep.problems.map((p) => p.code)).toContain('unresolved-reference');
    expect(graph.nodes.find((n) => n.id === 'events')!.specId).toBe('source');
    expect(graph.edges.filter((e) => e.from === 'events' && e.to === 'prep')).toHaveLength(1);
    expect(graph.edges).toContainEqual({ id: 'prep.out->train:input', from: 'prep', fromPort: 'out', to: 'train', role: 'input' });
    expect(graph.targets).toEqual(['local']);
  });

  test('which node holds a position; who reads a node; where the text is broken', async () => {
    const { result } = await graphOf(TEXT);
    expect(nodeAt(result.model.nodes, { line: 4, character: 5 })?.id).toBe('prep');
    expect(nodeAt(result.model.nodes, { line: 0, character: 0 })).toBeUndefined();
    expect(readersOf(result.model, ['events'])).toEqual(['prep']);
    expect(readersOf(result.model, ['events', 'prep'])).toEqual(['train']);
    expect(readersOf(result.model, ['train'])).toEqual([]);
    const broken = await graphOf(TEXT.replace('source events {', 'source events {{'));
    expect(broken.result.hasSyntaxErrors).toBe(true);
    expect(firstSyntaxError(broken.result.diagnostics)?.line).toBe(1);
  });
});

describe('the pushed model: the canvas\'s part of the model', () => {
  test('gives the same graph as the whole model, at a fraction of its size', async () => {
    for (const text of [TEXT, readFileSync('samples/churn/churn.mlpipe', 'utf8')]) {
      const { result, graph } = await graphOf(text);
      const td = TextDocument.create('file:///x', 'mlpipe', 1, text);
      const slim = canvasModelOf(result.model);
      expect(toCanvasGraph({ model: slim, diagnostics: result.diagnostics }, (r) => td.getText(r))).toEqual(graph);
      expect(slim.nodes.map((n) => [n.id, n.range, n.nameRange])).toEqual(result.model.nodes.map((n) => [n.id, n.range, n.nameRange]));
      expect(readersOf(slim, ['events'])).toEqual(readersOf(result.model, ['events']));
      expect(JSON.stringify(slim).length).toBeLessThan(JSON.stringify(result.model).length * 0.7);
    }
  });
});

describe('a model before its diagnostics (pushed right after linking)', () => {
  test('nodes keep their badges until the diagnostics come, then show exactly these', async () => {
    const before = await graphOf(TEXT);
    // The next text fixes `retries` and breaks `train`'s input; its model first comes without diagnostics.
    const nextText = TEXT.replace('retries nope', 'retries 2').replace('inputs [prep.out]', 'inputs [prep.nope]');
    const next = await graphOf(nextText);
    const td = TextDocument.create('file:///x', 'mlpipe', 2, nextText);
    const early = toCanvasGraph({ ...next.result, diagnostics: [] }, (r) => td.getText(r));
    const shown = withProblemsOf(early, before.graph);
    for (const n of shown.nodes) expect(n.problems).toEqual(before.graph.nodes.find((b) => b.id === n.id)!.problems);
    const late = withDiagnostics(shown, next.result.model.nodes, next.result.diagnostics);
    expect(late).toEqual(next.graph);
    expect(late.nodes.find((n) => n.id === 'train')!.problems.map((p) => p.code)).toContain('unknown-output');
    expect(late.nodes.find((n) => n.id === 'prep')!.problems.map((p) => p.message).join()).not.toMatch(/retries/);
    // Nodes whose problems did not change keep their objects, so the patch to the webview names only the others.
    expect(late.nodes.find((n) => n.id === 'events')).toBe(shown.nodes.find((n) => n.id === 'events'));
  });

  test('the webview gets the whole graph after ready, then patches that rebuild each graph', async () => {
    const a = (await graphOf(TEXT)).graph;
    const b = (await graphOf(TEXT.replace('retries nope', 'retries 2'))).graph;
    const sender = new DocumentSender();
    expect(sender.message(1, a, undefined)).toEqual({ type: 'document', version: 1, graph: a });
    const patch = sender.message(2, b, undefined);
    if (patch?.type !== 'documentPatch') throw new Error(`expected a patch, got ${patch?.type}`);
    // The same version again with nothing changed (a predicted model, then the document's own): nothing to send.
    expect(sender.message(2, structuredClone(b), undefined)).toBeUndefined();
    expect(patch.base).toBe(1);
    expect(patch.patch.nodes.map((n) => n.id)).toEqual(['prep']);
    expect(applyGraphPatch(a, patch.patch)).toEqual(b);
    // Syntax errors: the last good graph with the banner (an empty patch), and the same version again for late badges.
    const broken = sender.message(3, b, { message: 'bad', line: 1 });
    expect(broken).toMatchObject({ type: 'documentPatch', base: 2, syntaxError: { message: 'bad', line: 1 } });
    sender.reset();
    expect(sender.message(3, b, undefined)).toEqual({ type: 'document', version: 3, graph: b });
    expect(sender.message(4, null, { message: 'bad', line: 0 })).toEqual({ type: 'document', version: 4, graph: null, syntaxError: { message: 'bad', line: 0 } });
    // The host's layout (first paint, Auto-layout) goes with the whole graph, and patches build on it.
    sender.message(5, a, undefined);
    const layout = { events: { x: 0, y: 0 }, prep: { x: 300, y: 0 }, train: { x: 600, y: 0 } };
    expect(sender.message(6, b, undefined, layout)).toEqual({ type: 'document', version: 6, graph: b, layout });
    expect(sender.message(7, a, undefined)).toMatchObject({ type: 'documentPatch', base: 6 });
    // The same version with changed badges (its diagnostics came) is sent.
    const badged = { ...a, nodes: a.nodes.map((n) => (n.id === 'prep' ? { ...n, problems: [{ severity: 'error' as const, message: 'x', line: 3 }] } : n)) };
    expect(sender.message(7, badged, undefined)).toMatchObject({ type: 'documentPatch', base: 7, version: 7, patch: { nodes: [{ id: 'prep' }] } });
  });
});

describe('layout sidecar format', () => {
  test('sorted, whole pixels, one node per line; reads back what it wrote', () => {
    const text = serializeLayout('churn.mlpipe', { train: { x: 10.4, y: -3.6 }, events: { x: 0, y: 0 } });
    expect(text).toContain('"positions": {\n    "events": { "x": 0, "y": 0 },\n    "train": { "x": 10, "y": -4 }\n  }');
    expect(text).toContain('churn.mlpipe');
    expect(parseLayout(text)).toEqual({ events: { x: 0, y: 0 }, train: { x: 10, y: -4 } });
  });

  test('a broken or foreign file means no positions, never an error', () => {
    expect(parseLayout('')).toEqual({});
    expect(parseLayout('{"positions": {"a": {"x": 1}}}')).toEqual({});
    expect(parseLayout('[1,2]')).toEqual({});
    expect(parseLayout('{"positions": {"a": {"x": 1, "y": 2}, "b": "no"}}')).toEqual({ a: { x: 1, y: 2 } });
  });
});
