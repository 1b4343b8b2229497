import { URI, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import { resolve } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { analyzeDocument } from '../../language-server/analysis/analysis.js';
import type * as ast from '../../language-server/generated/ast.js';
import type { PipelineModel } from '../../language-server/model/pipeline-model.js';
import { createMLPipeServices, type MLPipeServices } from '../../language-server/module.js';

let cached: ReturnType<typeof createMLPipeServices> | undefined;

/** Language services without an editor: the same parser and checks the language server runs. */
export function languageServices(): { shared: ReturnType<typeof createMLPipeServices>['shared']; MLPipe: MLPipeServices } {
  cached ??= createMLPipeServices(NodeFileSystem);
  return cached;
}

export interface LoadedPipeline {
  file: string;
  document: LangiumDocument<ast.Document>;
  model: PipelineModel;
  diagnostics: Diagnostic[];
}

/** Reads, parses and validates `.mlpipe` files. Throws (with the OS message) when a file cannot be read. */
export async function loadPipelines(files: string[]): Promise<LoadedPipeline[]> {
  const { shared } = languageServices();
  const docs: LangiumDocument<ast.Document>[] = [];
  for (const file of files) {
    const uri = URI.file(resolve(file));
    docs.push(await shared.workspace.LangiumDocuments.getOrCreateDocument(uri) as LangiumDocument<ast.Document>);
  }
  await shared.workspace.DocumentBuilder.build(docs, { validation: true });
  return docs.map((document, i) => ({
    file: files[i], document, model: analyzeDocument(document).model, diagnostics: document.diagnostics ?? [],
  }));
}

export async function loadPipeline(file: string): Promise<LoadedPipeline> {
  return (await loadPipelines([file]))[0];
}
