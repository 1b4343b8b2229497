// The language server's and extension host's part of a canvas gesture (issue 5), without VS Code or a
// browser, so it can be compared between builds on a busy machine: the bundled server over Node IPC
// (as VS Code starts it) with a subscribed 200-node pipeline gets the palette's "add a source" edit and
// its undo, alternately, as incremental changes; the client does what the canvas host does with each
// pushed model (rebuild it from the patch, the canvas graph, the webview's documentPatch). Server steps
// come from its trace (language-server/lsp/trace.ts), in ms after it had the change.
// Run: npm run bench -- canvas-server [--server path/to/server.cjs]
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmptyFileSystem } from 'langium';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { toCanvasGraph } from '../extension/canvas/canvas-graph.js';
import { DocumentSender } from '../extension/canvas/document-sender.js';
import { ModelReceiver } from '../extension/canvas/model-receiver.js';
import { editsForIntents } from '../language-server/edits/apply-intents.js';
import { SymbolTable } from '../language-server/analysis/symbols.js';
import { toPipelineModel } from '../language-server/analysis/to-model.js';
import type * as ast from '../language-server/generated/ast.js';
import { canvasModelOf } from '../language-server/lsp/custom-requests.js';
import { createMLPipeServices } from '../language-server/module.js';
import { PipelineModelChangedNotification, SubscribePipelineModelNotification, type PipelineModelPushParams } from '../language-server/lsp/protocol.js';
import { ServerProcess } from '../test/lsp/server-process.js';
import { pipelineWithNodes } from './canvas-fixture.js';
import { median, report } from './stats.js';

const serverAt = process.argv.indexOf('--server');
const serverPath = resolve(serverAt > 0 ? process.argv[serverAt + 1] : 'dist/server.cjs');
const traceFile = join(tmpdir(), `mlpipe-canvas-server-trace-${process.pid}.log`);
process.env.MLPIPE_TRACE = traceFile; // the server inherits it

// The palette's edit and the edit that undoes it, as the incremental changes VS Code sends.
const before = pipelineWithNodes(200);
const { MLPipe } = createMLPipeServices(EmptyFileSystem);
const parse = (text: string) => {
  const r = MLPipe.parser.LangiumParser.parse<ast.Document>(text);
  return { root: r.value, syntaxErrors: r.lexerErrors.length + r.parserErrors.length };
};
const doc = TextDocument.create('file:///bench/big200.mlpipe', 'mlpipe', 1, before);
const { edits, error } = editsForIntents(doc, parse(before), [{ type: 'addNode', kind: 'source' }], parse);
if (error || edits.length !== 1) throw new Error(`expected one edit, got ${error ?? edits.length}`);
const after = TextDocument.applyEdits(doc, edits);
const added = TextDocument.create(doc.uri, 'mlpipe', 2, after);
const [edit] = edits;
const insertedEnd = added.positionAt(doc.offsetAt(edit.range.start) + edit.newText.length);
const change = [{ range: edit.range, text: edit.newText }];
const undo = [{ range: { start: edit.range.start, end: insertedEnd }, text: doc.getText(edit.range) }];

const server = new ServerProcess(serverPath, 'ipc');
await server.initialize(null);
const uri = doc.uri;
await server.open(uri, before, 1);
await server.diagnostics(uri);
const receiver = new ModelReceiver();
const sender = new DocumentSender();
const texts = new Map<number, string>([[1, before]]);
let pushed: (() => void) | undefined;
let whole = 0;
server.connection.onNotification(PipelineModelChangedNotification, (push: PipelineModelPushParams) => {
  // A build of the main branch before patches pushes the whole model without a number.
  const result = push.seq === undefined ? { ...push, model: push.model! } : receiver.receive(push);
  if (!result) throw new Error('a patch without its base');
  if (!push.patch) whole++;
  const text = TextDocument.create(uri, 'mlpipe', result.version, texts.get(result.version)!);
  sender.message(result.version, toCanvasGraph(result, (r) => text.getText(r)), undefined);
  pushed?.();
});
await server.connection.sendNotification(SubscribePipelineModelNotification, { uri });

const totals: number[] = [];
const steps: Record<string, number[]> = {};
for (let i = 0; i < 46; i++) {
  const version = i + 2;
  texts.set(version, i % 2 ? before : after);
  const validated = server.diagnostics(uri, (p) => p.version === version);
  const graph = new Promise<void>((r) => { pushed = r; });
  writeFileSync(traceFile, '');
  const sent = performance.timeOrigin + performance.now();
  await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: i % 2 ? undo : change });
  await graph;
  const ready = performance.timeOrigin + performance.now();
  await validated;
  if (i < 6) continue; // warm-up
  totals.push(ready - sent);
  const lines = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean).map((l) => [Number(l.slice(0, l.indexOf(' '))), l.slice(l.indexOf(' ') + 1).replace(/ v\d+$/, '')] as const);
  const received = lines.find(([, step]) => step === 'server: didChange')?.[0] ?? sent;
  for (const [t, step] of lines) (steps[step] ??= []).push(t - received);
  (steps['client: graph patch ready'] ??= []).push(ready - received);
}
await server.shutdown();

const root = parse(after).root;
const model = JSON.stringify(canvasModelOf(toPipelineModel(root, new SymbolTable(root))));
const json: number[] = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  JSON.parse(JSON.stringify(JSON.parse(model)));
  json.push(performance.now() - t);
}
report({
  bench: 'canvas-server', metric: 'change to the canvas host\'s graph patch, 200-node pipeline, server over IPC, median of 40 (add a block / undo)', unit: 'ms',
  value: median(totals), min: Math.min(...totals), server: serverPath, wholePushes: whole,
  medianSteps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Math.round(median(v) * 10) / 10])),
  reference: { what: `JSON.stringify and JSON.parse of the whole canvas model (${(model.length / 1e3).toFixed(0)} kB) in this process`, value: median(json) },
});
