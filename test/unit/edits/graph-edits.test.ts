import { describe, expect, test } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../language-server/analysis/analysis.js';
import { editsForIntent } from '../../../language-server/edits/graph-edits.js';
import type { CanvasIntent } from '../../../language-server/edits/intents.js';
import type { StepNode } from '../../../language-server/model/pipeline-model.js';
import { parse } from '../language/parse-helper.js';

/** Applies an intent and returns the new text, its diagnostics and model. */
async function apply(text: string, intent: CanvasIntent) {
  const { root } = await parse(text);
  const doc = TextDocument.create('file:///x.mlpipe', 'mlpipe', 1, text);
  const result = editsForIntent(root, doc, intent);
  if (result.error) throw new Error(result.error);
  const out = TextDocument.applyEdits(doc, result.edits);
  const parsed = await parse(out);
  return { text: out, result, errors: parsed.diagnostics.filter((d) => d.severity === 1), model: analyze(parsed.root).model };
}

async function refuse(text: string, intent: CanvasIntent): Promise<string | undefined> {
  const { root } = await parse(text);
  return editsForIntent(root, TextDocument.create('file:///x.mlpipe', 'mlpipe', 1, text), intent).error;
}

const BASE = `// Header comment stays.
pipeline p {
  source events { path "e.csv" }   # trailing comment
  source labels { path "l.csv" }

  step prep: sql {
    inputs [events]   // why: only events
    sql "select 1"
    outputs { out: "o.parquet", extra: "x.parquet" }
  }

  step train: python {
    script "t.py"
    outputs { model: "m.onnx" }
  }
}
`;

describe('canvas intents → minimal text edits', () => {
  test('addNode inserts a tidy block after the last of its kind, with required properties', async () => {
    const r = await apply(BASE, { type: 'addNode', kind: 'step', stepKind: 'python' });
    expect(r.result.name).toBe('python_1');
    expect(r.text).toContain('    outputs { model: "m.onnx" }\n  }\n\n  step python_1: python {\n    script "steps/python_1.py"\n  }\n}\n');
    expect(r.errors).toEqual([]);
    expect(r.text.startsWith('// Header comment stays.\n')).toBe(true);
    expect(r.result.edits).toHaveLength(1);
    expect(r.result.edits[0].range.start).toEqual(r.result.edits[0].range.end); // a pure insertion
  });

  test('addNode of a source goes after the sources; names stay unique', async () => {
    const r = await apply(BASE, { type: 'addNode', kind: 'source' });
    expect(r.text).toContain('  source labels { path "l.csv" }\n\n  source source_1 {\n    path "data/file.csv"\n  }\n');
    const again = await apply(r.text, { type: 'addNode', kind: 'source' });
    expect(again.result.name).toBe('source_2');
  });

  test('addNode into an empty pipeline', async () => {
    const r = await apply('pipeline p {\n}\n', { type: 'addNode', kind: 'model' });
    expect(r.text).toBe('pipeline p {\n  model model_1 {\n    from train.model\n  }\n}\n');
  });

  test('connect appends to an existing inputs list and keeps its comment', async () => {
    const r = await apply(BASE, { type: 'connect', from: 'labels', to: 'prep' });
    expect(r.text).toContain('    inputs [events, labels]   // why: only events\n');
    expect((r.model.nodes.find((n) => n.id === 'prep') as StepNode).inputs.map((i) => i.node)).toEqual(['events', 'labels']);
  });

  test('connect from a step output adds an inputs property when there is none', async () => {
    const r = await apply(BASE, { type: 'connect', from: 'prep', fromPort: 'out', to: 'train' });
    expect(r.text).toContain('    outputs { model: "m.onnx" }\n    inputs [prep.out]\n  }');
    expect(r.model.edges).toContainEqual({ from: 'prep', fromPort: 'out', to: 'train', role: 'input' });
    expect(r.errors).toEqual([]);
  });

  test('connect into a one-line block opens it up', async () => {
    const text = 'pipeline p {\n  source a { path "a.csv" }\n  features f { entity id }\n}\n';
    const r = await apply(text, { type: 'connect', from: 'a', to: 'f' });
    expect(r.text).toBe('pipeline p {\n  source a { path "a.csv" }\n  features f { entity id\n    from a\n  }\n}\n');
  });

  test('connect chooses the property by kinds: model ← step output, deploy ← model@champion', async () => {
    let r = await apply(BASE, { type: 'addNode', kind: 'model', name: 'm' });
    r = await apply(r.text, { type: 'connect', from: 'train', fromPort: 'model', to: 'm' });
    expect(r.text).toContain('    from train.model\n');
    r = await apply(r.text, { type: 'addNode', kind: 'deploy', name: 'api' });
    r = await apply(r.text, { type: 'connect', from: 'm', to: 'api' });
    expect(r.text).toContain('    model m@champion\n');
  });

  test('connect refuses cycles, self-loops and duplicates', async () => {
    const chained = (await apply(BASE, { type: 'connect', from: 'prep', fromPort: 'out', to: 'train' })).text;
    expect(await refuse(chained, { type: 'connect', from: 'train', fromPort: 'model', to: 'prep' })).toMatch(/cycle/);
    expect(await refuse(BASE, { type: 'connect', from: 'prep', to: 'prep' })).toMatch(/itself/);
    expect(await refuse(BASE, { type: 'connect', from: 'events', to: 'prep' })).toMatch(/already reads/);
    expect(await refuse(BASE, { type: 'connect', from: 'train', to: 'events' })).toMatch(/cannot take input/);
  });

  test('disconnect removes a list item with its separator, or the whole property', async () => {
    const two = (await apply(BASE, { type: 'connect', from: 'labels', to: 'prep' })).text;
    const r = await apply(two, { type: 'disconnect', edge: { from: 'labels', to: 'prep', role: 'input' } });
    expect(r.text).toBe(BASE);
    const r2 = await apply(BASE, { type: 'disconnect', edge: { from: 'events', to: 'prep', role: 'input' } });
    expect(r2.text).not.toContain('inputs');
    expect(r2.text).toContain('  step prep: sql {\n    sql "select 1"\n');
  });

  test('deleteNode removes the block, one blank line, and references to it', async () => {
    const r = await apply(BASE, { type: 'deleteNode', id: 'events' });
    expect(r.text).not.toMatch(/events/);
    expect(r.text).toContain('pipeline p {\n  source labels { path "l.csv" }\n\n  step prep: sql {\n    sql "select 1"\n');
    const r2 = await apply(BASE, { type: 'deleteNode', id: 'train' });
    expect(r2.text).toBe(BASE.replace('\n  step train: python {\n    script "t.py"\n    outputs { model: "m.onnx" }\n  }\n', ''));
  });

  test('setProperty replaces only the value, inserts a missing property, or removes one', async () => {
    let r = await apply(BASE, { type: 'setProperty', id: 'train', key: 'script', value: { type: 'string', value: 'steps/train.py' } });
    expect(r.result.edits).toHaveLength(1);
    expect(r.text).toBe(BASE.replace('script "t.py"', 'script "steps/train.py"'));
    r = await apply(BASE, { type: 'setProperty', id: 'train', key: 'resources', value: { type: 'map', entries: [{ key: 'gpus', value: { type: 'number', value: 1 } }, { key: 'timeout', value: { type: 'duration', text: '2h', ms: 7_200_000 } }] } });
    expect(r.text).toContain('    resources { gpus: 1, timeout: 2h }\n  }');
    expect((r.model.nodes.find((n) => n.id === 'train') as StepNode).resources).toEqual({ gpus: 1, timeoutMs: 7_200_000 });
    r = await apply(r.text, { type: 'setProperty', id: 'train', key: 'resources', value: null });
    expect(r.text).toBe(BASE);
  });

  test('rename changes the declaration and every reference', async () => {
    const r = await apply(BASE, { type: 'rename', id: 'events', newName: 'clicks' });
    expect(r.text).toBe(BASE.replace('source events', 'source clicks').replace('inputs [events]', 'inputs [clicks]'));
    expect(await refuse(BASE, { type: 'rename', id: 'events', newName: 'labels' })).toMatch(/already declared/);
    expect(await refuse(BASE, { type: 'rename', id: 'events', newName: '1x' })).toMatch(/not a valid name/);
  });

  test('every intent keeps the rest of the file byte for byte (odd formatting included)', async () => {
    const odd = 'pipeline p {\n    source   a   {path "a.csv"}    // odd\n\n\n  step s: shell {command "x"\n        inputs [ a ] }\n}\n';
    const r = await apply(odd, { type: 'addNode', kind: 'source', name: 'b' });
    expect(r.text.startsWith('pipeline p {\n    source   a   {path "a.csv"}    // odd\n')).toBe(true);
    const c = await apply(r.text, { type: 'connect', from: 'b', to: 's' });
    expect(c.text).toContain('        inputs [ a, b ] }');
  });
});
