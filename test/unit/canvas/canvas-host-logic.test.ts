// The canvas host's pure parts: graph preparation from the language server's answer, and the layout sidecar format.
import { describe, expect, test } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pipelineModelOf } from '../../../language-server/lsp/custom-requests.js';
import { firstSyntaxError, nodeAt, readersOf, toCanvasGraph } from '../../../extension/canvas/canvas-graph.js';
import { parseLayout, serializeLayout } from '../../../extension/canvas/layout-format.js';
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
