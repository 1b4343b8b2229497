import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { CompletionItem, Position } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SemanticTokensDecoder } from 'langium/lsp';
import { parse, services } from './parse-helper.js';

const lsp = services.MLPipe.lsp;

/** Text with a `|` cursor marker → the text without it and the cursor position. */
async function at(marked: string) {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const parsed = await parse(text);
  const position: Position = parsed.doc.textDocument.positionAt(offset);
  return { ...parsed, text, position, uri: parsed.doc.uri.toString() };
}

async function complete(marked: string): Promise<CompletionItem[]> {
  const { doc, position, uri } = await at(marked);
  const list = await lsp.CompletionProvider!.getCompletion(doc, { textDocument: { uri }, position });
  return list?.items ?? [];
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

const PIPE = `pipeline p {
  param lr: float = 0.1
  param n = 3
  source events { path "e.csv"
    schema { customer_id: string, amount: double, event_at: timestamp }
  }
  features activity { entity customer_id
    timestamp event_at
    from events
    feature spend: double
  }
  step prep: sql { inputs [events]
    sql "select 1"
    outputs { clean: "c.parquet", extra: "e.parquet" }
  }
  step train: python {
    script "t.py"
    inputs [prep.clean]
    outputs { model: "m.onnx" }
    params { lr: lr }
  }
  model m { from train.model }
}
target gpu: ssh { host "h" }
`;

function insertAt(anchor: string, insert: string, base = PIPE): string {
  const i = base.indexOf(anchor);
  if (i < 0) throw new Error(`anchor not found: ${anchor}`);
  return base.slice(0, i + anchor.length) + insert + base.slice(i + anchor.length);
}

describe('completion', () => {
  test('top level offers pipeline and targets', async () => {
    expect(labels(await complete('|'))).toEqual(expect.arrayContaining(['pipeline', 'target ssh']));
  });

  test('pipeline body offers block keywords', async () => {
    expect(labels(await complete('pipeline p {\n  |\n}'))).toEqual(expect.arrayContaining(['source', 'features', 'training_set', 'step', 'model', 'param']));
  });

  test('step kinds after `step name:`', async () => {
    expect(labels(await complete('pipeline p {\n  step x: |\n}'))).toEqual(['sql', 'python', 'notebook', 'shell', 'node', 'evaluate']);
  });

  test('property names of the block kind, minus those already set, required first', async () => {
    const items = await complete('pipeline p {\n  step x: python {\n    inputs []\n    |\n  }\n}');
    expect(labels(items)).toContain('script');
    expect(labels(items)).not.toContain('inputs');
    expect(labels(items)).not.toContain('sql');
    const sorted = [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
    expect(sorted[0].label).toBe('script');
  });

  test('inputs offer sources, views and step outputs', async () => {
    const items = labels(await complete(insertAt('inputs [prep.clean', ', |')));
    expect(items).toEqual(expect.arrayContaining(['events', 'activity', 'prep.clean', 'prep.extra']));
    expect(items).not.toContain('train.model');
  });

  test('after `step.` only that step\'s outputs', async () => {
    const items = await complete(insertAt('inputs [prep.clean', ', prep.|'));
    expect(labels(items)).toEqual(['prep.clean', 'prep.extra']);
  });

  test('target offers declared targets and local', async () => {
    expect(labels(await complete(insertAt('params { lr: lr }', '\n    target |')))).toEqual(expect.arrayContaining(['gpu', 'local']));
  });

  test('columns from the declared schema for timestamp', async () => {
    expect(labels(await complete(insertAt('features activity { entity customer_id', '\n    created |')))).toEqual(expect.arrayContaining(['customer_id', 'amount', 'event_at']));
  });

  test('expectation predicates after a column', async () => {
    expect(labels(await complete(insertAt('path "e.csv"', '\n    expect amount |')))).toEqual(expect.arrayContaining(['not_null', 'between', 'in', 'matches']));
  });

  test('param names of the right type in params maps', async () => {
    expect(labels(await complete(insertAt('params { lr: lr', ', rate: |')))).toEqual(expect.arrayContaining(['lr', 'n']));
  });

  test('resource names inside resources', async () => {
    expect(labels(await complete(insertAt('params { lr: lr }', '\n    resources { |')))).toEqual(['gpus', 'cpus', 'memory', 'timeout']);
  });

  test('nothing inside strings or comments', async () => {
    expect(await complete('pipeline p { // comm|\n}')).toEqual([]);
    expect(await complete('pipeline p { source s { path "da|" } }')).toEqual([]);
  });
});

describe('navigation', () => {
  test('definition of a reference goes to its declaration', async () => {
    const { doc, position, uri } = await at(insertAt('inputs [prep.cl', '|'));
    const links = await lsp.DefinitionProvider!.getDefinition(doc, { textDocument: { uri }, position });
    expect(links?.[0].targetSelectionRange.start.line).toBe(13); // `clean` in prep's outputs
  });

  test('references of a source include its declaration and every use', async () => {
    const { doc, position, uri } = await at(PIPE.replace('source events', 'source ev|ents'));
    const refs = await lsp.ReferencesProvider!.findReferences(doc, { textDocument: { uri }, position, context: { includeDeclaration: true } });
    expect(refs.map((r) => r.range.start.line)).toEqual([3, 8, 11]);
  });

  test('rename changes the declaration and qualified uses only in their own part', async () => {
    const { doc, position, uri, text } = await at(PIPE.replace('step prep:', 'step pr|ep:'));
    const edit = await lsp.RenameProvider!.rename(doc, { textDocument: { uri }, position, newName: 'clean_step' });
    const result = TextDocument.applyEdits(TextDocument.create(uri, 'mlpipe', 0, text), edit!.changes![uri]);
    expect(result).toContain('step clean_step: sql');
    expect(result).toContain('inputs [clean_step.clean]');
    const { diagnostics } = await parse(result);
    expect(diagnostics.filter((d) => d.severity === 1)).toEqual([]);
  });

  test('rename refuses a name that is taken', async () => {
    const { doc, position, uri } = await at(PIPE.replace('step prep:', 'step pr|ep:'));
    expect(() => lsp.RenameProvider!.rename(doc, { textDocument: { uri }, position, newName: 'train' })).toThrow(/already declared/);
  });

  test('document symbols outline the pipeline', async () => {
    const { doc, uri } = await at(`|${PIPE}`);
    const symbols = await lsp.DocumentSymbolProvider!.getSymbols(doc, { textDocument: { uri } });
    expect(symbols.map((s) => s.name)).toEqual(['p', 'gpu']);
    expect(symbols[0].children!.map((c) => c.name)).toEqual(['lr', 'n', 'events', 'activity', 'prep', 'train', 'm']);
    expect(symbols[0].children!.find((c) => c.name === 'prep')!.children!.map((c) => c.name)).toEqual(['clean', 'extra']);
  });
});

describe('hover', () => {
  const hover = async (marked: string) => {
    const { doc, position, uri } = await at(marked);
    const h = await lsp.HoverProvider!.getHoverContent(doc, { textDocument: { uri }, position });
    return h ? (h.contents as { value: string }).value : undefined;
  };

  test('on a keyword', async () => {
    expect(await hover(PIPE.replace('  source events', '  sou|rce events'))).toMatch(/data set/);
  });

  test('on a property key: its documentation and value type', async () => {
    expect(await hover(PIPE.replace('script "t.py"', 'scr|ipt "t.py"'))).toMatch(/\*\*script\*\*: The script.*required/s);
  });

  test('on a reference: the declaration card', async () => {
    const h = await hover(PIPE.replace('from events', 'from ev|ents'));
    expect(h).toContain('source events');
    expect(h).toContain('path: `"e.csv"`');
  });

  test('on a param use: type and default', async () => {
    expect(await hover(PIPE.replace('params { lr: lr }', 'params { lr: l|r }'))).toContain('param lr: float = 0.1');
  });
});

describe('code actions', () => {
  test('did-you-mean replaces the misspelt name', async () => {
    const text = PIPE.replace('from events', 'from evnts');
    const { doc, diagnostics, uri } = await parse(text).then((p) => ({ ...p, uri: p.doc.uri.toString() }));
    const d = diagnostics.find((x) => x.code === 'unresolved-reference')!;
    const actions = await lsp.CodeActionProvider!.getCodeActions(doc, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const fix = actions!.find((a) => 'title' in a && a.title === "Change to 'events'") as { edit: { changes: Record<string, { newText: string }[]> }; isPreferred: boolean };
    expect(fix.isPreferred).toBe(true);
    expect(fix.edit.changes[uri][0].newText).toBe('events');
  });

  test('add a missing required property, then the file is valid', async () => {
    const text = 'pipeline p {\n  step x: python {\n    retries 1\n  }\n}\n';
    const { doc, diagnostics } = await parse(text);
    const uri = doc.uri.toString();
    const d = diagnostics.find((x) => x.code === 'missing-property')!;
    const actions = await lsp.CodeActionProvider!.getCodeActions(doc, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const fix = actions!.find((a) => 'title' in a && a.title === "Add 'script'") as { edit: { changes: Record<string, import('vscode-languageserver').TextEdit[]> } };
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'mlpipe', 0, text), fix.edit.changes[uri]);
    expect(fixed).toBe('pipeline p {\n  step x: python {\n    retries 1\n    script "steps/step.py"\n  }\n}\n');
  });

  test('add a property to an empty block opens it up', async () => {
    const text = 'pipeline p {\n  step x: python {}\n}\n';
    const { doc, diagnostics } = await parse(text);
    const uri = doc.uri.toString();
    const d = diagnostics.find((x) => x.code === 'missing-property')!;
    const actions = await lsp.CodeActionProvider!.getCodeActions(doc, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const fix = actions!.find((a) => 'title' in a && a.title === "Add 'script'") as { edit: { changes: Record<string, import('vscode-languageserver').TextEdit[]> } };
    expect(TextDocument.applyEdits(TextDocument.create(uri, 'mlpipe', 0, text), fix.edit.changes[uri])).toBe('pipeline p {\n  step x: python {\n    script "steps/step.py"\n  }\n}\n');
  });

  test('remove an unused source deletes its lines', async () => {
    const text = 'pipeline p {\n  source a { path "a.csv" }\n  source b {\n    path "b.csv"\n  }\n  step s: shell { command "x"\n    inputs [a] }\n}\n';
    const { doc, diagnostics } = await parse(text);
    const uri = doc.uri.toString();
    const d = diagnostics.find((x) => x.code === 'unused-source')!;
    const actions = await lsp.CodeActionProvider!.getCodeActions(doc, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const fix = actions!.find((a) => 'title' in a && a.title === 'Remove unused source') as { edit: { changes: Record<string, import('vscode-languageserver').TextEdit[]> } };
    expect(TextDocument.applyEdits(TextDocument.create(uri, 'mlpipe', 0, text), fix.edit.changes[uri])).toBe('pipeline p {\n  source a { path "a.csv" }\n  step s: shell { command "x"\n    inputs [a] }\n}\n');
  });
});

describe('semantic tokens', () => {
  test('names are coloured by what they resolve to', async () => {
    const { doc } = await parse(readFileSync('samples/churn/churn.mlpipe', 'utf8'));
    const provider = lsp.SemanticTokenProvider!;
    const tokens = await provider.semanticHighlight(doc, { textDocument: { uri: doc.uri.toString() } });
    const decoded = SemanticTokensDecoder.decode(tokens, provider.tokenTypes, doc);
    const typeOf = (text: string) => decoded.filter((t) => t.text === text).map((t) => t.tokenType);
    expect(typeOf('events')).toContain('class');
    expect(typeOf('train')).toContain('function');
    expect(typeOf('learning_rate')).toContain('parameter');
    expect(typeOf('python').concat(typeOf('evaluate'))).toContain('enumMember');
  });
});
