import { EmptyFileSystem, URI, type LangiumDocument } from 'langium';
import type { Diagnostic } from 'vscode-languageserver-types';
import type * as ast from '../../../language-server/generated/ast.js';
import { createMLPipeServices } from '../../../language-server/module.js';

export const services = createMLPipeServices(EmptyFileSystem);

let counter = 0;

/** Parses and validates text as a fresh document. */
export async function parse(text: string): Promise<{ doc: LangiumDocument<ast.Document>; root: ast.Document; diagnostics: Diagnostic[] }> {
  const uri = URI.parse(`memory:///test-${counter++}.mlpipe`);
  const doc = services.shared.workspace.LangiumDocumentFactory.fromString<ast.Document>(text, uri);
  services.shared.workspace.LangiumDocuments.addDocument(doc);
  await services.shared.workspace.DocumentBuilder.build([doc], { validation: true });
  return { doc, root: doc.parseResult.value, diagnostics: doc.diagnostics ?? [] };
}
