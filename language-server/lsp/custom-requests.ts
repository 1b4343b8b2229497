import { DocumentState, URI, type LangiumDocument } from 'langium';
import type { LangiumServices, LangiumSharedServices } from 'langium/lsp';
import type { Connection } from 'vscode-languageserver';
import { analyzeDocument } from '../analysis/analysis.js';
import { Codes } from '../validation/codes.js';
import { PipelineModelChangedNotification, PipelineModelRequest, type PipelineModelParams, type PipelineModelResult } from './protocol.js';

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

export function registerCustomRequests(connection: Connection, shared: LangiumSharedServices, _services: LangiumServices): void {
  const documents = shared.workspace.LangiumDocuments;
  const builder = shared.workspace.DocumentBuilder;
  connection.onRequest(PipelineModelRequest, async (params: PipelineModelParams, token) => {
    const uri = URI.parse(params.uri);
    const doc = await documents.getOrCreateDocument(uri);
    if (doc.state < DocumentState.Validated) await builder.waitUntil(DocumentState.Validated, uri, token);
    return pipelineModelOf(doc);
  });
  builder.onDocumentPhase(DocumentState.Validated, (doc) => {
    if (doc.uri.path.endsWith('.mlpipe')) void connection.sendNotification(PipelineModelChangedNotification, pipelineModelOf(doc));
  });
}
