import { DocumentState, URI, type LangiumDocument } from 'langium';
import type { LangiumServices, LangiumSharedServices } from 'langium/lsp';
import type { Connection } from 'vscode-languageserver';
import { analyze, analyzeDocument } from '../analysis/analysis.js';
import type * as ast from '../generated/ast.js';
import { Codes } from '../validation/codes.js';
import { diffCanvasModel } from './canvas-model-patch.js';
import {
  PipelineDiagnosticsChangedNotification, PipelineModelChangedNotification, PipelineModelRequest, SubscribePipelineModelNotification, UnsubscribePipelineModelNotification,
  type CanvasModel, type CanvasModelNode, type PipelineDiagnosticsParams, type PipelineModelChangedParams, type PipelineModelParams, type PipelineModelPushParams, type PipelineModelResult,
} from './protocol.js';
import { trace, tracing } from './trace.js';
import { MLPipeDocumentBuilder } from '../workspace/document-builder.js';
import { MLPipeDocumentFactory } from '../workspace/document-factory.js';
import type { PipelineModel } from '../model/pipeline-model.js';

export function pipelineModelOf(doc: LangiumDocument): PipelineModelResult {
  const diagnostics = doc.diagnostics ?? [];
  return {
    uri: doc.uri.toString(),
    version: doc.textDocument.version,
    model: analyzeDocument(doc).model,
    hasSyntaxErrors: doc.parseResult.lexerErrors.length + doc.parseResult.parserErrors.length > 0 || diagnostics.some((d) => d.code === Codes.syntaxError),
    diagnostics,
  };
}

/** The part of the model a canvas uses (see `CanvasModel`): what the push carries. */
export function canvasModelOf(model: PipelineModel): CanvasModel {
  return {
    name: model.name,
    // Built with Object.assign rather than spreads, which made this ten times slower (see to-model.ts).
    nodes: model.nodes.map((n): CanvasModelNode => {
      const base: { id: string; description?: string } = { id: n.id };
      if (n.description) base.description = n.description;
      const node = Object.assign(base, { range: n.range, nameRange: n.nameRange, props: n.props.map((p) => ({ key: p.key, range: p.range })) });
      return n.kind === 'step' ? Object.assign(node, { kind: n.kind, stepKind: n.stepKind, outputs: n.outputs.map((o) => ({ name: o.name })) }) : Object.assign(node, { kind: n.kind });
    }),
    edges: model.edges,
    targets: model.targets.map((t) => ({ name: t.name })),
  };
}

/** The push of a watched document's model: the canvas's part only. */
function pushed(doc: LangiumDocument): PipelineModelChangedParams {
  const result = pipelineModelOf(doc);
  return { ...result, model: canvasModelOf(result.model) };
}

/** Pushes the model of a text a document is about to have (see `PipelineModelResult.predicted`). */
export type PushPredicted = (uri: string, version: number, text: string) => void;

export function registerCustomRequests(connection: Connection, shared: LangiumSharedServices, services: LangiumServices): PushPredicted {
  const documents = shared.workspace.LangiumDocuments;
  const builder = shared.workspace.DocumentBuilder;
  connection.onRequest(PipelineModelRequest, async (params: PipelineModelParams, token) => {
    const uri = URI.parse(params.uri);
    // The workspace's first load may be adding this very document; creating it here too would race
    // ("a document with the URI is already present"). Wait for that load, then prefer its document.
    await shared.workspace.WorkspaceManager.ready;
    const doc = documents.getDocument(uri) ?? await documents.getOrCreateDocument(uri);
    if (doc.state < DocumentState.Validated) await builder.waitUntil(DocumentState.Validated, uri, token);
    return pipelineModelOf(doc);
  });
  // Counted, because two canvases (split editors) may watch one document.
  const subscribers = new Map<string, number>();
  // The model last pushed for each watched document: the client keeps it too, and the next push is
  // the change from it. Forgotten with the last subscriber, so a new subscription starts whole.
  const lastPushed = new Map<string, { seq: number; model: CanvasModel }>();
  let seq = 0;
  connection.onNotification(SubscribePipelineModelNotification, (p: PipelineModelParams) => {
    subscribers.set(p.uri, (subscribers.get(p.uri) ?? 0) + 1);
  });
  connection.onNotification(UnsubscribePipelineModelNotification, (p: PipelineModelParams) => {
    const n = (subscribers.get(p.uri) ?? 0) - 1;
    if (n > 0) subscribers.set(p.uri, n);
    else {
      subscribers.delete(p.uri);
      lastPushed.delete(p.uri);
    }
  });
  const push = (params: PipelineModelChangedParams): void => {
    const { model, ...rest } = params;
    const last = lastPushed.get(params.uri);
    const wire: PipelineModelPushParams = last ? { ...rest, seq: ++seq, base: last.seq, patch: diffCanvasModel(last.model, model) } : { ...params, seq: ++seq };
    trace('server: patch made');
    lastPushed.set(params.uri, { seq, model });
    void connection.sendNotification(PipelineModelChangedNotification, wire);
  };
  if (tracing) {
    shared.workspace.TextDocuments.onDidChangeContent((e) => {
      if (subscribers.has(e.document.uri)) trace(`server: didChange v${e.document.version}`);
    });
    for (const [state, step] of [[DocumentState.Parsed, 'parsed'], [DocumentState.Linked, 'linked']] as const) {
      builder.onDocumentPhase(state, (doc) => {
        if (subscribers.has(doc.uri.toString())) trace(`server: ${step}`);
      });
    }
  }
  // A watched document's model goes out as soon as it is parsed (the canvas redraws from it) and its
  // diagnostics after validation, which takes as long as parsing; the canvas shows them as badges a
  // moment later. Text with syntax errors waits for validation, as before: the canvas's banner needs
  // the syntax-error diagnostics, and it keeps the last good graph anyway.
  const pushedEarly = new Map<string, number>();
  const pushEarly = (doc: LangiumDocument): void => {
    const uri = doc.uri.toString();
    if (!subscribers.has(uri) || doc.parseResult.lexerErrors.length + doc.parseResult.parserErrors.length > 0) return;
    if (pushedEarly.get(uri) === doc.textDocument.version) return;
    const model: PipelineModelChangedParams = { ...pushed(doc), diagnostics: [], diagnosticsPending: true };
    trace('server: model built');
    pushedEarly.set(uri, model.version);
    push(model);
    trace('server: model sent');
  };
  // Right after parsing: the model needs nothing more (see MLPipeDocumentBuilder). After linking
  // too, for a document linked again without a new parse (once it was validated, it may be pushed again).
  if (!(builder instanceof MLPipeDocumentBuilder)) throw new Error('the MLPipe language server needs MLPipeDocumentBuilder');
  builder.onParsedNow(pushEarly);
  builder.onDocumentPhase(DocumentState.Linked, pushEarly);
  builder.onDocumentPhase(DocumentState.Validated, (doc) => {
    const uri = doc.uri.toString();
    if (!subscribers.has(uri)) return;
    trace('server: validated');
    const version = doc.textDocument.version;
    if (pushedEarly.get(uri) === version) {
      pushedEarly.delete(uri);
      const params: PipelineDiagnosticsParams = { uri, version, diagnostics: doc.diagnostics ?? [] };
      void connection.sendNotification(PipelineDiagnosticsChangedNotification, params);
      trace('server: diagnostics sent');
      return;
    }
    const model = pushed(doc);
    trace('server: model built');
    push(model);
    trace('server: model sent');
  });
  const factory = shared.workspace.LangiumDocumentFactory;
  return (uri, version, text) => {
    if (!subscribers.has(uri)) return;
    const parsed = services.parser.LangiumParser.parse<ast.Document>(text);
    // Text that does not parse is left to the document's own build: the canvas's banner needs its diagnostics.
    if (parsed.lexerErrors.length + parsed.parserErrors.length > 0) return;
    // The document's own change to this text then reuses this parse (and the analysis cached on it).
    if (factory instanceof MLPipeDocumentFactory) factory.remember(uri, text, parsed);
    const model: PipelineModelChangedParams = {
      uri, version, model: canvasModelOf(analyze(parsed.value).model), hasSyntaxErrors: false, diagnostics: [], diagnosticsPending: true, predicted: true,
    };
    // Through the numbered pushes like any model: the document's own model of this text, which
    // follows, is then an empty patch against it.
    push(model);
    trace('server: predicted model sent');
  };
}
