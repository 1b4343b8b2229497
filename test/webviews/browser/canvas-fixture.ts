// The canvas graph of a pipeline text, built the way the host builds it (parse → model → graph),
// for tests and benchmarks that run the webview without VS Code.
import { EmptyFileSystem, URI } from 'langium';
import type { LangiumDocument } from 'langium';
import { pipelineModelOf } from '../../../language-server/lsp/custom-requests.js';
import { createMLPipeServices } from '../../../language-server/module.js';
import { toCanvasGraph } from '../../../extension/canvas/canvas-graph.js';
import type { CanvasGraph } from '../../../webviews/canvas/protocol.js';

const services = createMLPipeServices(EmptyFileSystem);
let counter = 0;

export async function canvasGraphOf(text: string): Promise<CanvasGraph> {
  const uri = URI.parse(`memory:///fixture-${counter++}.mlpipe`);
  const doc: LangiumDocument = services.shared.workspace.LangiumDocumentFactory.fromString(text, uri);
  services.shared.workspace.LangiumDocuments.addDocument(doc);
  await services.shared.workspace.DocumentBuilder.build([doc], { validation: true });
  const lines = text.split('\n');
  const textOf = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
    if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
    return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
  };
  return toCanvasGraph(pipelineModelOf(doc), textOf);
}
