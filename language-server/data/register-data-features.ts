import { DocumentState, URI, type LangiumDocument } from 'langium';
import type { LangiumServices, LangiumSharedServices } from 'langium/lsp';
import { ResponseError, type Connection, type PublishDiagnosticsParams } from 'vscode-languageserver';
import { PipelineData } from '../../runtime/data/pipeline-data.js';
import { dirname } from 'node:path';
import { analyzeDocument } from '../analysis/analysis.js';
import type { DataCatalogHolder } from './data-catalog.js';
import { DataChecks } from './data-checks.js';
import { DuckDbCatalog } from './duckdb-catalog.js';
import { WorkspaceData } from './workspace-data.js';
import {
  DataFilesChangedNotification, PreviewTrainingSetRequest, TrustChangedNotification, type PreviewTrainingSetParams, type TrustChangedParams,
} from '../lsp/protocol.js';

/**
 * Data-backed language features (language server only; the CLI and unit tests never open DuckDB):
 * expectations evaluated in the background and shown as diagnostics on the expectation that failed,
 * file and column problems, real column names for completion, column profiles for hover, and the
 * training-set preview request. Everything waits for Workspace Trust, which the extension reports.
 */
export function registerDataFeatures(connection: Connection, shared: LangiumSharedServices, services: LangiumServices & { data: { Catalog: DataCatalogHolder } }): void {
  const documents = shared.workspace.LangiumDocuments;
  const textDocuments = shared.workspace.TextDocuments;
  const workspace = new WorkspaceData([], false);
  const sendDiagnostics = connection.sendDiagnostics.bind(connection);

  const publish = (doc: LangiumDocument) => {
    if (doc.state < DocumentState.Validated) return;
    void sendDiagnostics({ uri: doc.uri.toString(), version: doc.textDocument.version, diagnostics: [...(doc.diagnostics ?? []), ...checks.diagnostics(doc)] });
  };
  const checks = new DataChecks(workspace, {
    changed: (uri) => {
      const doc = documents.getDocument(URI.parse(uri));
      if (doc) publish(doc);
    },
    slow: (_uri, what) => {
      const progress = connection.window.createWorkDoneProgress();
      void progress.then((p) => p.begin('MLPipe', undefined, `${what}…`, false));
      return { done: () => void progress.then((p) => p.done()) };
    },
    failed: (uri, error) => connection.console.error(`MLPipe data check of ${uri} failed: ${(error as Error).stack ?? String(error)}`),
  });
  services.data.Catalog.current = new DuckDbCatalog(checks, workspace, documents);

  // Langium publishes a document's language diagnostics after each build; add the latest data
  // findings (re-placed on the new text) so one publish always carries both, and the version the
  // diagnostics belong to (Langium leaves it out) so clients can drop stale ones.
  connection.sendDiagnostics = (params: PublishDiagnosticsParams) => {
    const doc = documents.getDocument(URI.parse(params.uri));
    if (!doc || doc.state < DocumentState.Validated) return sendDiagnostics(params);
    return sendDiagnostics({ ...params, version: params.version ?? doc.textDocument.version, diagnostics: [...params.diagnostics, ...checks.diagnostics(doc)] });
  };

  const openDocuments = () => textDocuments.all().map((t) => documents.getDocument(URI.parse(t.uri))).filter((d): d is LangiumDocument => !!d);
  shared.lsp.LanguageServer.onInitialize((params) => {
    const folders = params.workspaceFolders?.map((f) => URI.parse(f.uri).fsPath) ?? (params.rootUri ? [URI.parse(params.rootUri).fsPath] : []);
    workspace.setRoots(folders);
    void workspace.setTrusted((params.initializationOptions as { trusted?: boolean } | undefined)?.trusted === true);
  });
  shared.workspace.DocumentBuilder.onDocumentPhase(DocumentState.Validated, (doc) => {
    if (workspace.trusted && textDocuments.get(doc.uri.toString())) checks.schedule(doc);
  });
  textDocuments.onDidClose((e) => {
    checks.forget(e.document.uri);
  });
  connection.onNotification(TrustChangedNotification, async (p: TrustChangedParams) => {
    await workspace.setTrusted(p.trusted);
    if (p.trusted) for (const doc of openDocuments()) checks.schedule(doc, 0);
    else checks.clear();
  });
  connection.onNotification(DataFilesChangedNotification, () => {
    for (const doc of openDocuments()) checks.schedule(doc);
  });
  connection.onRequest(PreviewTrainingSetRequest, async (p: PreviewTrainingSetParams, token) => {
    const doc = documents.getDocument(URI.parse(p.uri));
    if (!doc) throw new ResponseError(1, `${p.uri} is not open`);
    const engine = await workspace.engineFor(doc.uri.fsPath);
    if (!engine) throw new ResponseError(2, 'data previews are disabled in an untrusted workspace (or the file is outside every workspace folder)');
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const data = new PipelineData(engine, analyzeDocument(doc).model, dirname(doc.uri.fsPath));
    try {
      return await data.trainingSet(p.name, { limit: p.limit ?? 100, signal: controller.signal });
    } catch (e) {
      throw new ResponseError(3, (e as Error).message);
    }
  });
}
