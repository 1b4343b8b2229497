// The pushed canvas model as a patch against the previous push (language-server/lsp/canvas-model-patch.ts)
// and the client's half that turns it back into the whole model (extension/canvas/model-receiver.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pipelineWithNodes } from '../../../bench/canvas-fixture.js';
import { ModelReceiver } from '../../../extension/canvas/model-receiver.js';
import { editsForIntents, type ParseText } from '../../../language-server/edits/apply-intents.js';
import type { CanvasIntent } from '../../../language-server/edits/intents.js';
import type * as ast from '../../../language-server/generated/ast.js';
import { SymbolTable } from '../../../language-server/analysis/symbols.js';
import { toPipelineModel } from '../../../language-server/analysis/to-model.js';
import { applyCanvasModelPatch, diffCanvasModel, type CanvasModelPatch } from '../../../language-server/lsp/canvas-model-patch.js';
import { canvasModelOf } from '../../../language-server/lsp/custom-requests.js';
import type { CanvasModel, PipelineModelPushParams } from '../../../language-server/lsp/protocol.js';
import { mutate, prng } from '../fuzz/mutate.js';
import { services } from '../language/parse-helper.js';

const parseText: ParseText = (text) => {
  const r = services.MLPipe.parser.LangiumParser.parse<ast.Document>(text);
  return { root: r.value, syntaxErrors: r.lexerErrors.length + r.parserErrors.length };
};

function canvasModel(text: string): CanvasModel {
  const root = parseText(text).root;
  return canvasModelOf(toPipelineModel(root, new SymbolTable(root)));
}

/** As the client gets them: base and patch through JSON, as over the connection. */
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function roundTrip(before: string, after: string): { patch: CanvasModelPatch; base: CanvasModel; applied: CanvasModel; next: CanvasModel } {
  const base = wire(canvasModel(before));
  const next = canvasModel(after);
  const patch = wire(diffCanvasModel(canvasModel(before), next));
  const applied = applyCanvasModelPatch(base, patch);
  expect(applied).toEqual(next);
  return { patch, base, applied, next };
}

function afterIntent(text: string, intent: CanvasIntent): string {
  const doc = TextDocument.create('file:///p.mlpipe', 'mlpipe', 1, text);
  const result = editsForIntents(doc, parseText(text), [intent], parseText);
  if (result.error) throw new Error(result.error);
  return TextDocument.applyEdits(doc, result.edits);
}

const TEXT = `pipeline p {
  source events { path "e.csv" }
  step prep: sql {
    inputs [events]
    sql "select 1"
    outputs { out: "o.parquet" }
  }
  step train: python {
    script "t.py"
    inputs [prep.out]
  }
  target gpu: ssh { host "h" }
}
`;

describe('a canvas model patch', () => {
  test('a gesture on 200 nodes: nodes below the new block are sent as moved, and the patch is small', () => {
    const text = pipelineWithNodes(200);
    const { patch, base, applied, next } = roundTrip(text, afterIntent(text, { type: 'addNode', kind: 'source' }));
    expect(next.nodes).toHaveLength(201);
    const whole = patch.nodes.filter((e) => typeof e === 'object' && !Array.isArray(e));
    expect(whole.map((n) => (n as { id: string }).id)).toEqual(next.nodes.filter((n) => !base.nodes.some((b) => b.id === n.id)).map((n) => n.id));
    expect(patch.nodes.filter(Array.isArray).length).toBeGreaterThan(150);
    expect(JSON.stringify(patch).length).toBeLessThan(JSON.stringify(next).length / 20);
    // Unchanged nodes are the base's own objects; moved ones are copies (the base stays as it was).
    const unchanged = patch.nodes.findIndex((e) => typeof e === 'number');
    expect(applied.nodes[unchanged]).toBe(base.nodes[patch.nodes[unchanged] as number]);
    const movedAt = patch.nodes.findIndex(Array.isArray);
    const [from, lines] = patch.nodes[movedAt] as [number, number];
    expect(applied.nodes[movedAt].range.start.line).toBe(base.nodes[from].range.start.line + lines);
    expect(wire(base)).toEqual(canvasModel(text));
  });

  test('nodes removed, renamed, described, edited; edges added and removed; targets and name changed', () => {
    const cases = [
      afterIntent(TEXT, { type: 'deleteNode', id: 'prep' }),
      afterIntent(TEXT, { type: 'connect', from: 'events', to: 'train' }),
      afterIntent(TEXT, { type: 'disconnect', edge: { from: 'prep', fromPort: 'out', to: 'train', role: 'input' } }),
      TEXT.replace('step prep', 'step prepared').replace('prep.out', 'prepared.out'),
      TEXT.replace('step train: python {', 'step train: python "Trains the model" {'),
      TEXT.replace('outputs { out: "o.parquet" }', 'outputs { out: "o.parquet", extra: "x.parquet" }'),
      TEXT.replace('  target gpu: ssh { host "h" }\n', ''),
      TEXT.replace('pipeline p', 'pipeline q'),
      TEXT.replace('  step train', '  step other: python { script "o.py" }\n  step train'),
      // Same-length change inside a property: the model is equal (the client reads the text itself).
      TEXT.replace('"t.py"', '"u.py"'),
      // Two blocks of one name (a diagnostic): each is compared with the block its name maps to.
      TEXT.replace('step train', 'step prep'),
      // Blocks swapped.
      TEXT.replace(/( {2}step prep[\s\S]*?\n {2}\}\n)( {2}step train[\s\S]*?\n {2}\}\n)/, '$2$1'),
    ];
    for (const after of cases) {
      expect(after).not.toBe(TEXT);
      roundTrip(TEXT, after);
      roundTrip(after, TEXT);
    }
    expect(roundTrip(TEXT, TEXT.replace('"t.py"', '"u.py"')).patch.nodes).toEqual([0, 1, 2]);
  });

  test('text with syntax errors (a partial model) and back, and mutations of every sample', () => {
    roundTrip(TEXT, TEXT.replace('step train: python {', 'step train: python {{'));
    roundTrip(TEXT.replace('inputs [events]', 'inputs [events'), TEXT);
    const samples = readdirSync('samples').flatMap((d) => readdirSync(join('samples', d)).filter((f) => f.endsWith('.mlpipe')).map((f) => readFileSync(join('samples', d, f), 'utf8')));
    const rand = prng(5);
    for (let i = 0; i < 150; i++) {
      const sample = samples[i % samples.length];
      const a = mutate(sample, rand);
      roundTrip(sample, a);
      roundTrip(a, mutate(a, rand));
    }
  });
});

describe('the client\'s half: the last model of each document', () => {
  const push = (uri: string, seq: number, body: { model: CanvasModel } | { base: number; patch: CanvasModelPatch }): PipelineModelPushParams =>
    ({ uri, version: seq, hasSyntaxErrors: false, diagnostics: [], seq, ...body }) as PipelineModelPushParams;

  test('whole, then patches against the last push; a patch without its base is dropped', () => {
    const texts = [TEXT, TEXT.replace('  step train', '  step other: python { script "o.py" }\n  step train'), TEXT.replace('pipeline p', 'pipeline q')];
    const models = texts.map(canvasModel);
    const receiver = new ModelReceiver();
    const first = receiver.receive(push('a', 1, { model: wire(models[0]) }));
    expect(first).toEqual({ uri: 'a', version: 1, hasSyntaxErrors: false, diagnostics: [], model: models[0] });
    expect(receiver.receive(push('a', 2, { base: 1, patch: wire(diffCanvasModel(models[0], models[1])) }))?.model).toEqual(models[1]);
    // Another document's pushes are numbered in the same sequence, and kept apart.
    expect(receiver.receive(push('b', 3, { model: wire(models[2]) }))?.model).toEqual(models[2]);
    const third = receiver.receive(push('a', 4, { base: 2, patch: wire(diffCanvasModel(models[1], models[2])) }));
    expect(third).not.toHaveProperty('patch');
    expect(third).not.toHaveProperty('seq');
    expect(third?.model).toEqual(models[2]);
    // A patch against a push that is not the last one kept.
    expect(receiver.receive(push('a', 5, { base: 2, patch: wire(diffCanvasModel(models[1], models[0])) }))).toBeUndefined();
    // A whole push starts over (a new subscription after the last unsubscribe, or a new server).
    expect(receiver.receive(push('a', 6, { model: wire(models[0]) }))?.model).toEqual(models[0]);
    expect(receiver.receive(push('a', 7, { base: 6, patch: wire(diffCanvasModel(models[0], models[1])) }))?.model).toEqual(models[1]);
    receiver.clear();
    expect(receiver.receive(push('a', 8, { base: 7, patch: wire(diffCanvasModel(models[1], models[2])) }))).toBeUndefined();
  });
});
