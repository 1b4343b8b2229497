import { DocumentState, URI } from 'langium';
import type { LangiumServices, LangiumSharedServices } from 'langium/lsp';
import type { Connection } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { editsForIntents, type ParseText } from '../edits/apply-intents.js';
import type * as ast from '../generated/ast.js';
import { trace } from './trace.js';
import type { PushPredicted } from './custom-requests.js';
import { ApplyIntentsRequest, type ApplyIntentsParams, type ApplyIntentsResult } from './protocol.js';

/**
 * Answers `mlpipe/applyIntents` from the document's current syntax tree. Then, while the editor
 * applies the edits, pushes the model of the text they give (`predicted`): a canvas that checks its
 * text is exactly that text redraws from it without waiting for the change to come back round.
 */
export function registerApplyIntents(connection: Connection, shared: LangiumSharedServices, services: LangiumServices, pushPredicted: PushPredicted): void {
  const documents = shared.workspace.LangiumDocuments;
  const builder = shared.workspace.DocumentBuilder;
  const parse: ParseText = (text) => {
    const r = services.parser.LangiumParser.parse<ast.Document>(text);
    return { root: r.value, syntaxErrors: r.lexerErrors.length + r.parserErrors.length };
  };
  connection.onRequest(ApplyIntentsRequest, async (params: ApplyIntentsParams, token): Promise<ApplyIntentsResult> => {
    trace('server: applyIntents received');
    const uri = URI.parse(params.uri);
    const doc = await documents.getOrCreateDocument(uri);
    if (doc.state < DocumentState.Validated) await builder.waitUntil(DocumentState.Validated, uri, token);
    const version = doc.textDocument.version;
    // Edits computed for another version would land on the wrong characters: the client asks again.
    if (version !== params.version) return { version, stale: true, edits: [] };
    const parsed = { root: doc.parseResult.value as ast.Document, syntaxErrors: doc.parseResult.lexerErrors.length + doc.parseResult.parserErrors.length };
    const result = { version, ...editsForIntents(doc.textDocument, parsed, params.intents, parse) };
    trace('server: edits computed');
    if (result.edits.length && !result.error) {
      const text = TextDocument.applyEdits(doc.textDocument, result.edits);
      // After the answer has gone: the client applies the edits meanwhile.
      setImmediate(() => pushPredicted(params.uri, version + 1, text));
    }
    return result;
  });
}
