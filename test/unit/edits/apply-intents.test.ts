import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../language-server/analysis/analysis.js';
import { editsForIntents, lineDiff, type ParseText } from '../../../language-server/edits/apply-intents.js';
import type { CanvasIntent } from '../../../language-server/edits/intents.js';
import type * as ast from '../../../language-server/generated/ast.js';
import type { StepNode } from '../../../language-server/model/pipeline-model.js';
import { services } from '../language/parse-helper.js';

const parse: ParseText = (text) => {
  const r = services.MLPipe.parser.LangiumParser.parse<ast.Document>(text);
  return { root: r.value, syntaxErrors: r.lexerErrors.length + r.parserErrors.length };
};

function apply(text: string, intents: CanvasIntent[]) {
  const doc = TextDocument.create('file:///x.mlpipe', 'mlpipe', 1, text);
  const result = editsForIntents(doc, parse(text), intents, parse);
  const out = TextDocument.applyEdits(doc, result.edits);
  const parsed = parse(out);
  return { result, text: out, syntaxErrors: parsed.syntaxErrors, model: analyze(parsed.root).model };
}

const BASE = `pipeline p {
  source events { path "e.csv" }   # events, as exported
  source labels { path "l.csv" }

  // Cleans the events.
  step prep: sql {
    inputs [events, labels]
    sql "select 1"
    outputs { out: "o.parquet" }
  }

  step train: python {
    script "t.py"   // keep this comment
    inputs [prep.out]
    outputs { model: "m.onnx" }
  }
}
`;

describe('side form text → property edits', () => {
  test('a value typed as text replaces only the value and keeps the line comment', () => {
    const r = apply(BASE, [{ type: 'setPropertyText', id: 'train', key: 'script', text: '"steps/train.py"' }]);
    expect(r.text).toBe(BASE.replace('script "t.py"', 'script "steps/train.py"'));
    expect(r.result.edits).toHaveLength(1);
  });

  test('a new property is inserted; empty text removes it', () => {
    let r = apply(BASE, [{ type: 'setPropertyText', id: 'train', key: 'resources', text: '{ gpus: 1, timeout: 2h }' }]);
    expect(r.text).toContain('    outputs { model: "m.onnx" }\n    resources { gpus: 1, timeout: 2h }\n  }');
    expect((r.model.nodes.find((n) => n.id === 'train') as StepNode).resources).toEqual({ gpus: 1, timeoutMs: 7_200_000 });
    r = apply(r.text, [{ type: 'setPropertyText', id: 'train', key: 'resources', text: '  ' }]);
    expect(r.text).toBe(BASE);
  });

  test('text that would not parse is refused, and nothing is written', () => {
    const r = apply(BASE, [{ type: 'setPropertyText', id: 'prep', key: 'inputs', text: '[events,' }]);
    expect(r.result.error).toMatch(/not a valid value for inputs/);
    expect(r.result.edits).toEqual([]);
  });
});

describe('one gesture, several intents → one edit', () => {
  test('deleting two nodes gives one edit, the same text as deleting them one by one', () => {
    const both = apply(BASE, [{ type: 'deleteNode', id: 'labels' }, { type: 'deleteNode', id: 'train' }]);
    expect(both.result.edits).toHaveLength(1);
    const one = apply(apply(BASE, [{ type: 'deleteNode', id: 'labels' }]).text, [{ type: 'deleteNode', id: 'train' }]);
    expect(both.text).toBe(one.text);
    expect(both.text).toContain('# events, as exported');
    expect(both.text).toContain('// Cleans the events.');
    expect(both.model.nodes.map((n) => n.id)).toEqual(['events', 'prep']);
    expect(both.syntaxErrors).toBe(0);
  });

  test('disconnecting two inputs of one list in one gesture', () => {
    const r = apply(BASE, [
      { type: 'disconnect', edge: { from: 'events', to: 'prep', role: 'input' } },
      { type: 'disconnect', edge: { from: 'labels', to: 'prep', role: 'input' } },
    ]);
    expect(r.text).toBe(BASE.replace('    inputs [events, labels]\n', ''));
  });

  test('a failing intent fails the whole gesture', () => {
    const r = apply(BASE, [{ type: 'deleteNode', id: 'labels' }, { type: 'deleteNode', id: 'nope' }]);
    expect(r.result.error).toMatch(/unknown node 'nope'/);
    expect(r.result.edits).toEqual([]);
  });

  test('addNode reports the name it chose, also inside a batch', () => {
    const r = apply(BASE, [{ type: 'addNode', kind: 'step', stepKind: 'python' }, { type: 'connect', from: 'prep', fromPort: 'out', to: 'python_1' }]);
    expect(r.result.name).toBe('python_1');
    expect(r.text).toContain('  step python_1: python {\n    script "steps/python_1.py"\n    inputs [prep.out]\n  }\n');
  });
});

describe('lineDiff', () => {
  test('an edit of whole lines that turns one text into the other', () => {
    const cases: [string, string][] = [
      ['a\nb\nc\n', 'a\nX\nc\n'],
      ['a\nb\nc', 'a\nb\nc\nd'],
      ['a\nb\nc\n', 'b\nc\n'],
      ['\nx\n', 'x\n'],
      ['a', ''],
      ['', 'a\n'],
      ['a\na\na\n', 'a\na\n'],
    ];
    for (const [before, after] of cases) {
      const edits = lineDiff(before, after);
      const doc = TextDocument.create('', '', 0, before);
      expect(TextDocument.applyEdits(doc, edits)).toBe(after);
      expect(edits[0].range.start.character).toBe(0);
    }
    expect(lineDiff('same', 'same')).toEqual([]);
  });

  test('random edits of the churn sample round-trip', () => {
    const text = readFileSync('samples/churn/churn.mlpipe', 'utf8');
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      const at = rand(text.length);
      const after = text.slice(0, at) + ['', 'x', '\n', '}\n  '][rand(4)] + text.slice(at + rand(40));
      const edits = lineDiff(text, after);
      expect(TextDocument.applyEdits(TextDocument.create('', '', 0, text), edits)).toBe(after);
    }
  });
});

describe('deleting a block leaves the blank lines tidy', () => {
  const text = (middle: string) => `pipeline p {\n  source a { path "a.csv" }\n${middle}  source z { path "z.csv" }\n}\n`;
  test('between two blank lines one goes with it; a blank on one side only stays', () => {
    expect(apply(text('\n  source b { path "b.csv" }\n\n'), [{ type: 'deleteNode', id: 'b' }]).text).toBe(text('\n'));
    expect(apply(text('\n  source b { path "b.csv" }\n'), [{ type: 'deleteNode', id: 'b' }]).text).toBe(text('\n'));
    expect(apply(text('  source b { path "b.csv" }\n\n'), [{ type: 'deleteNode', id: 'b' }]).text).toBe(text('\n'));
    expect(apply(text('  source b { path "b.csv" }\n'), [{ type: 'deleteNode', id: 'b' }]).text).toBe(text(''));
  });

  test('no blank line is left just inside the pipeline braces', () => {
    expect(apply('pipeline p {\n  source b { path "b.csv" }\n\n  source z { path "z.csv" }\n}\n', [{ type: 'deleteNode', id: 'b' }]).text)
      .toBe('pipeline p {\n  source z { path "z.csv" }\n}\n');
    expect(apply('pipeline p {\n  source a { path "a.csv" }\n\n  source b { path "b.csv" }\n}\n', [{ type: 'deleteNode', id: 'b' }]).text)
      .toBe('pipeline p {\n  source a { path "a.csv" }\n}\n');
  });
});
