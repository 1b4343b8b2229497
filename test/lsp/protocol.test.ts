import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CompletionList, Hover, LocationLink, TextEdit, DocumentSymbol } from 'vscode-languageserver-protocol';
import { PipelineModelRequest, type PipelineModelResult } from '../../language-server/lsp/protocol.js';
import { ServerProcess } from './server-process.js';

const file = resolve('samples/churn/churn.mlpipe');
const uri = pathToFileURL(file).toString();
const original = readFileSync(file, 'utf8');

describe('language server over a real connection', () => {
  let server: ServerProcess;
  let version = 1;

  beforeAll(async () => {
    server = new ServerProcess();
    const init = await server.initialize(pathToFileURL(resolve('samples')).toString());
    expect(init.capabilities.completionProvider?.triggerCharacters).toContain('.');
    expect(init.capabilities.renameProvider).toBeTruthy();
    expect(init.capabilities.semanticTokensProvider).toBeTruthy();
  });

  afterAll(async () => {
    expect(await server.shutdown()).toBe(0);
  });

  test('publishes no errors for the sample, then one for a broken reference', async () => {
    const clean = server.diagnostics(uri);
    await server.open(uri, original, version);
    expect((await clean).diagnostics.filter((d) => d.severity === 1)).toEqual([]);

    const broken = original.replace('from events', 'from evnts');
    const next = server.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'unresolved-reference'));
    await server.change(uri, broken, ++version);
    const d = (await next).diagnostics.find((x) => x.code === 'unresolved-reference')!;
    expect(d.message).toContain("did you mean 'events'");
    expect(broken.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character)).toBe('evnts');

    const fixed = server.diagnostics(uri, (p) => !p.diagnostics.some((x) => x.code === 'unresolved-reference'));
    await server.change(uri, original, ++version);
    await fixed;
  });

  test('completion, hover, definition, symbols and formatting answer', async () => {
    const lines = original.split('\n');
    const fromLine = lines.findIndex((l) => l.includes('from events'));
    const completion = await server.connection.sendRequest<CompletionList>('textDocument/completion', {
      textDocument: { uri }, position: { line: fromLine, character: lines[fromLine].indexOf('events') + 2 },
    });
    expect(completion.items.map((i) => i.label)).toContain('events');

    const hover = await server.connection.sendRequest<Hover>('textDocument/hover', {
      textDocument: { uri }, position: { line: fromLine, character: lines[fromLine].indexOf('events') + 1 },
    });
    expect((hover.contents as { value: string }).value).toContain('source events');

    const def = await server.connection.sendRequest<LocationLink[]>('textDocument/definition', {
      textDocument: { uri }, position: { line: fromLine, character: lines[fromLine].indexOf('events') + 1 },
    });
    expect(lines[def[0].targetSelectionRange.start.line]).toContain('source events');

    const symbols = await server.connection.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    expect(symbols[0].children!.map((c) => c.name)).toEqual(expect.arrayContaining(['events', 'train', 'churn_model']));

    const edits = await server.connection.sendRequest<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toEqual([]);
  });

  test('the custom pipeline-model request returns the plain model', async () => {
    const result = await server.connection.sendRequest<PipelineModelResult>(PipelineModelRequest, { uri });
    expect(result.model.name).toBe('churn');
    expect(result.model.nodes.length).toBeGreaterThan(10);
    expect(result.hasSyntaxErrors).toBe(false);
  });

  test('a syntax error is published with its code and the model says so', async () => {
    const broken = original.replace('source events "Product usage events" {', 'source events "Product usage events" {{');
    const next = server.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'syntax-error'));
    await server.change(uri, broken, ++version);
    await next;
    const result = await server.connection.sendRequest<PipelineModelResult>(PipelineModelRequest, { uri });
    expect(result.hasSyntaxErrors).toBe(true);
    const restored = server.diagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'syntax-error'));
    await server.change(uri, original, ++version);
    await restored;
  });
});

describe('language server under fuzzed edits', () => {
  test('200 mutated versions of the sample: every request answers and the server stays up', async () => {
    const { mutate, prng } = await import('../unit/fuzz/mutate.js');
    const server = new ServerProcess();
    await server.initialize(null);
    const fuzzUri = 'file:///fuzz/fuzz.mlpipe';
    await server.open(fuzzUri, original, 1);
    const rand = prng(7);
    for (let v = 2; v < 202; v++) {
      const text = mutate(original, rand);
      await server.change(fuzzUri, text, v);
      const lines = text.split('\n');
      const line = Math.floor(rand() * lines.length);
      const position = { line, character: Math.floor(rand() * (lines[line].length + 1)) };
      const results = await Promise.all([
        server.connection.sendRequest('textDocument/completion', { textDocument: { uri: fuzzUri }, position }),
        server.connection.sendRequest('textDocument/hover', { textDocument: { uri: fuzzUri }, position }),
        server.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: fuzzUri } }),
        server.connection.sendRequest('textDocument/formatting', { textDocument: { uri: fuzzUri }, options: { tabSize: 2, insertSpaces: true } }),
        server.connection.sendRequest(PipelineModelRequest, { uri: fuzzUri }),
      ]);
      expect(results).toHaveLength(5);
    }
    expect(server.stderr.join('')).not.toMatch(/Error|exception/i);
    expect(await server.shutdown()).toBe(0);
  }, 120_000);
});

describe('pipeline model notifications', () => {
  test('sent only while a client is subscribed', async () => {
    const { PipelineModelChangedNotification, SubscribePipelineModelNotification, UnsubscribePipelineModelNotification } = await import('../../language-server/lsp/protocol.js');
    const server = new ServerProcess();
    await server.initialize(null);
    const u = 'file:///sub/sub.mlpipe';
    const versions: number[] = [];
    server.connection.onNotification(PipelineModelChangedNotification, (p: PipelineModelResult) => { versions.push(p.version); });
    await server.open(u, original, 1);
    await server.diagnostics(u);
    await server.connection.sendNotification(SubscribePipelineModelNotification, { uri: u });
    const second = server.diagnostics(u);
    await server.change(u, `${original}\n`, 2);
    await second;
    await server.connection.sendNotification(UnsubscribePipelineModelNotification, { uri: u });
    const third = server.diagnostics(u);
    await server.change(u, original, 3);
    await third;
    // A request after the last change: its answer proves every earlier notification has been read.
    await server.connection.sendRequest(PipelineModelRequest, { uri: u });
    expect(versions).toEqual([2]);
    expect(await server.shutdown()).toBe(0);
  });
});

describe('pipeline model before validation', () => {
  test('a watched document\'s model comes before its diagnostics; text with syntax errors waits for them', async () => {
    const { PipelineDiagnosticsChangedNotification, PipelineModelChangedNotification, SubscribePipelineModelNotification } = await import('../../language-server/lsp/protocol.js');
    type Diagnostics = import('../../language-server/lsp/protocol.js').PipelineDiagnosticsParams;
    const server = new ServerProcess();
    await server.initialize(null);
    const u = 'file:///early/early.mlpipe';
    const heard: string[] = [];
    const models = new Map<number, PipelineModelResult>();
    const diagnostics = new Map<number, Diagnostics>();
    server.connection.onNotification(PipelineModelChangedNotification, (p: PipelineModelResult) => { heard.push(`model ${p.version}`); models.set(p.version, p); });
    server.connection.onNotification(PipelineDiagnosticsChangedNotification, (p: Diagnostics) => { heard.push(`diagnostics ${p.version}`); diagnostics.set(p.version, p); });
    await server.open(u, original, 1);
    await server.diagnostics(u);
    await server.connection.sendNotification(SubscribePipelineModelNotification, { uri: u });
    const misspelt = original.replace(/\bfrom events\b/, 'from evnts');
    expect(misspelt).not.toBe(original);
    let published = server.diagnostics(u, (p) => p.version === 2);
    await server.change(u, misspelt, 2);
    const v2 = await published;
    published = server.diagnostics(u, (p) => p.version === 3);
    await server.change(u, original.replace('step train', 'step train {{'), 3);
    await published;
    await server.connection.sendRequest(PipelineModelRequest, { uri: u });
    expect(heard).toEqual(['model 2', 'diagnostics 2', 'model 3']);
    expect(models.get(2)).toMatchObject({ diagnosticsPending: true, diagnostics: [], hasSyntaxErrors: false });
    expect(models.get(2)!.model.nodes.map((n) => n.id)).toContain('events');
    // The push carries the canvas's part of the model only (CanvasModel), not the runtime's fields.
    expect(models.get(2)!.model.nodes.find((n) => n.id === 'train')).not.toHaveProperty('params');
    expect(diagnostics.get(2)!.diagnostics).toEqual(v2.diagnostics);
    expect(diagnostics.get(2)!.diagnostics.map((d) => d.code)).toContain('unresolved-reference');
    expect(models.get(3)).toMatchObject({ hasSyntaxErrors: true });
    expect(models.get(3)!.diagnosticsPending).toBeUndefined();
    expect(models.get(3)!.diagnostics.map((d) => d.code)).toContain('syntax-error');
    expect(await server.shutdown()).toBe(0);
  });
});

describe('pushed models as patches', () => {
  test('later pushes are patches against the one before; the client rebuilds each model; a new subscription starts whole', async () => {
    const { PipelineModelChangedNotification, SubscribePipelineModelNotification, UnsubscribePipelineModelNotification } = await import('../../language-server/lsp/protocol.js');
    type Push = import('../../language-server/lsp/protocol.js').PipelineModelPushParams;
    const { ModelReceiver } = await import('../../extension/canvas/model-receiver.js');
    const { canvasModelOf } = await import('../../language-server/lsp/custom-requests.js');
    const server = new ServerProcess();
    await server.initialize(null);
    const u = 'file:///patch/patch.mlpipe';
    const pushes: Push[] = [];
    server.connection.onNotification(PipelineModelChangedNotification, (p: Push) => { pushes.push(p); });
    const receiver = new ModelReceiver();
    const texts = [
      original.replace(/\n {2}source events/, '\n  source extra { path "x.csv" }\n\n  source events'),
      original.replace(/\bfrom events\b/, 'from evnts'),
      original.replace('step train', 'step train {{'),
      original,
    ];
    let v = 1;
    await server.open(u, original, v);
    await server.diagnostics(u);
    await server.connection.sendNotification(SubscribePipelineModelNotification, { uri: u });
    // Each text's model, as the client rebuilds it from the pushes, is the canvas's part of the model the server answers.
    const check = async (text: string) => {
      const next = ++v;
      const published = server.diagnostics(u, (p) => p.version === next);
      await server.change(u, text, next);
      await published;
      const expected = canvasModelOf((await server.connection.sendRequest<PipelineModelResult>(PipelineModelRequest, { uri: u })).model);
      const push = pushes.findLast((p) => p.version === v)!;
      expect(receiver.receive(push)?.model).toEqual(expected);
    };
    for (const text of texts) await check(text);
    expect(pushes.map((p) => (p.patch ? 'patch' : 'whole'))).toEqual(['whole', 'patch', 'patch', 'patch']);
    expect(JSON.stringify(pushes[1]).length).toBeLessThan(JSON.stringify(pushes[0]).length / 4);
    // Two subscribers, one leaves: still patches. The last leaves and one comes again: whole.
    await server.connection.sendNotification(SubscribePipelineModelNotification, { uri: u });
    await server.connection.sendNotification(UnsubscribePipelineModelNotification, { uri: u });
    await check(texts[0]);
    await server.connection.sendNotification(UnsubscribePipelineModelNotification, { uri: u });
    await server.connection.sendNotification(SubscribePipelineModelNotification, { uri: u });
    await check(texts[1]);
    expect(pushes.slice(4).map((p) => (p.patch ? 'patch' : 'whole'))).toEqual(['patch', 'whole']);
    expect(await server.shutdown()).toBe(0);
  });
});

describe('canvas intents over the connection', () => {
  test('mlpipe/applyIntents answers edits for the current version and flags a stale one', async () => {
    const { ApplyIntentsRequest } = await import('../../language-server/lsp/protocol.js');
    type Result = import('../../language-server/lsp/protocol.js').ApplyIntentsResult;
    const { TextDocument } = await import('vscode-languageserver-textdocument');
    const server = new ServerProcess();
    await server.initialize(null);
    const u = 'file:///intents/churn.mlpipe';
    await server.open(u, original, 1);
    const r = await server.connection.sendRequest<Result>(ApplyIntentsRequest, { uri: u, version: 1, intents: [{ type: 'connect', from: 'events', to: 'train' }] });
    expect(r.error).toBeUndefined();
    const after = TextDocument.applyEdits(TextDocument.create(u, 'mlpipe', 1, original), r.edits);
    expect(after).toContain('    inputs [train_rows.rows, events]\n');
    const stale = await server.connection.sendRequest<Result>(ApplyIntentsRequest, { uri: u, version: 7, intents: [{ type: 'deleteNode', id: 'events' }] });
    expect(stale).toMatchObject({ stale: true, version: 1, edits: [] });
    const refused = await server.connection.sendRequest<Result>(ApplyIntentsRequest, { uri: u, version: 1, intents: [{ type: 'connect', from: 'train', fromPort: 'model', to: 'train_rows' }] });
    expect(refused.error).toMatch(/cycle/);
    expect(await server.shutdown()).toBe(0);
  });

  test('for a watched document, the model of the edited text comes right after the edits, equal to the one its change gives', async () => {
    const { ApplyIntentsRequest, PipelineModelChangedNotification, SubscribePipelineModelNotification } = await import('../../language-server/lsp/protocol.js');
    type Result = import('../../language-server/lsp/protocol.js').ApplyIntentsResult;
    const { TextDocument } = await import('vscode-languageserver-textdocument');
    const server = new ServerProcess();
    await server.initialize(null);
    const { ModelReceiver } = await import('../../extension/canvas/model-receiver.js');
    type Push = import('../../language-server/lsp/protocol.js').PipelineModelPushParams;
    const u = 'file:///predict/churn.mlpipe';
    const receiver = new ModelReceiver();
    const pushes: Push[] = [];
    const models: PipelineModelResult[] = [];
    server.connection.onNotification(PipelineModelChangedNotification, (p: Push) => { pushes.push(p); models.push(receiver.receive(p) as unknown as PipelineModelResult); });
    await server.open(u, original, 1);
    await server.diagnostics(u);
    // Not watched: no prediction.
    await server.connection.sendRequest<Result>(ApplyIntentsRequest, { uri: u, version: 1, intents: [{ type: 'addNode', kind: 'source' }] });
    await server.connection.sendNotification(SubscribePipelineModelNotification, { uri: u });
    const r = await server.connection.sendRequest<Result>(ApplyIntentsRequest, { uri: u, version: 1, intents: [{ type: 'addNode', kind: 'source' }] });
    expect(r.name).toBeTruthy();
    const after = TextDocument.applyEdits(TextDocument.create(u, 'mlpipe', 1, original), r.edits);
    // A refused intent predicts nothing.
    await server.connection.sendRequest<Result>(ApplyIntentsRequest, { uri: u, version: 1, intents: [{ type: 'connect', from: 'train', fromPort: 'model', to: 'train_rows' }] });
    const own = server.diagnostics(u, (p) => p.version === 2);
    await server.change(u, after, 2);
    await own;
    await server.connection.sendRequest(PipelineModelRequest, { uri: u });
    expect(models.map((m) => `${m.version}${m.predicted ? ' predicted' : ''}`)).toEqual(['2 predicted', '2']);
    const [predicted, real] = models;
    expect(predicted).toMatchObject({ uri: u, hasSyntaxErrors: false, diagnostics: [], diagnosticsPending: true });
    expect(predicted.model.nodes.map((n) => n.id)).toContain(r.name);
    expect(predicted.model).toEqual(real.model);
    // The document's own model goes as a patch against the prediction that changes nothing.
    expect(pushes[1].patch).toBeDefined();
    expect(JSON.stringify(pushes[1]).length).toBeLessThan(JSON.stringify(pushes[0]).length / 10);
    expect(await server.shutdown()).toBe(0);
  });
});
