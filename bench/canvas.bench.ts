// Canvas benchmarks without a browser (issue 5): ELK layout of 500 nodes, and a canvas gesture on a
// 200-node pipeline from intent to the graph the webview draws (intent → edits → reparse and validate
// → model → canvas graph → React Flow nodes), i.e. everything but the browser's redraw, which
// bench/canvas-e2e.bench.ts measures in code-server. Run: npm run bench -- canvas
import { EmptyFileSystem, URI } from 'langium';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { toCanvasGraph } from '../extension/canvas/canvas-graph.js';
import { editsForIntents, type ParseText } from '../language-server/edits/apply-intents.js';
import type { CanvasIntent } from '../language-server/edits/intents.js';
import type * as ast from '../language-server/generated/ast.js';
import { pipelineModelOf } from '../language-server/lsp/custom-requests.js';
import { createMLPipeServices } from '../language-server/module.js';
import { toFlowEdges, toFlowNodes } from '../webviews/canvas/flow/to-flow.js';
import type { PipelineFlowNode } from '../webviews/canvas/flow/flow-types.js';
import { layoutGraph } from '../webviews/canvas/layout/elk-layout.js';
import type { CanvasGraph } from '../webviews/canvas/protocol.js';
import { pipelineWithNodes } from './canvas-fixture.js';
import { median, report, timeMany } from './stats.js';

const services = createMLPipeServices(EmptyFileSystem);
let counter = 0;

async function build(text: string) {
  const doc = services.shared.workspace.LangiumDocumentFactory.fromString<ast.Document>(text, URI.parse(`memory:///c${counter++}.mlpipe`));
  services.shared.workspace.LangiumDocuments.addDocument(doc);
  await services.shared.workspace.DocumentBuilder.build([doc], { validation: true });
  services.shared.workspace.LangiumDocuments.deleteDocument(doc.uri);
  return doc;
}

function graphOf(doc: Awaited<ReturnType<typeof build>>, text: string): CanvasGraph {
  const td = TextDocument.create('file:///x', 'mlpipe', 1, text);
  return toCanvasGraph(pipelineModelOf(doc), (r) => td.getText(r));
}

async function layout500(): Promise<void> {
  const text = pipelineWithNodes(500);
  const graph = graphOf(await build(text), text);
  if (graph.nodes.length !== 500) throw new Error(`expected 500 nodes, got ${graph.nodes.length}`);
  await timeMany(2, () => layoutGraph(graph)); // warm-up (ELK's class initialisation)
  const times = await timeMany(5, () => layoutGraph(graph));
  const json = JSON.stringify(graph);
  const ref = await timeMany(5, () => JSON.parse(json));
  report({
    bench: 'canvas', metric: 'elkjs layered layout, 500 nodes', unit: 'ms', value: median(times), edges: graph.edges.length, target: '< 500 ms',
    reference: { what: `JSON.parse of the same graph (${(json.length / 1e6).toFixed(1)} MB)`, value: median(ref) },
  });
}

async function gesture200(): Promise<void> {
  let text = pipelineWithNodes(200);
  let doc = await build(text);
  let graph = graphOf(doc, text);
  let flow = new Map<string, PipelineFlowNode>();
  const parse: ParseText = (t) => {
    const r = services.MLPipe.parser.LangiumParser.parse<ast.Document>(t);
    return { root: r.value, syntaxErrors: r.lexerErrors.length + r.parserErrors.length };
  };
  const positions = await layoutGraph(graph);
  const draw = () => {
    const nodes = toFlowNodes({ graph, positionOf: (id) => positions[id] ?? { x: 0, y: 0 }, run: {}, selected: new Set(), readOnly: false }, flow);
    flow = new Map(nodes.map((n) => [n.id, n]));
    return toFlowEdges(graph);
  };
  draw();
  // Alternately connect and disconnect the first source to a step near the end: each is one gesture.
  const source = graph.nodes.find((n) => n.kind === 'source')!.id;
  const step = graph.nodes[graph.nodes.length - 5].id;
  const intents: CanvasIntent[] = [
    { type: 'connect', from: source, to: step },
    { type: 'disconnect', edge: { from: source, to: step, role: 'input' } },
  ];
  const gesture = async (i: number) => {
    const td = TextDocument.create('file:///x', 'mlpipe', i, text);
    const result = editsForIntents(td, { root: doc.parseResult.value, syntaxErrors: 0 }, [intents[i % 2]], parse);
    if (result.error) throw new Error(result.error);
    text = TextDocument.applyEdits(td, result.edits);
    doc = await build(text);
    graph = graphOf(doc, text);
    draw();
  };
  for (let i = 0; i < 6; i++) await gesture(i); // warm-up
  const times: number[] = [];
  for (let i = 6; i < 46; i++) {
    const t = performance.now();
    await gesture(i);
    times.push(performance.now() - t);
  }
  const json = JSON.stringify(graph);
  const ref = await timeMany(10, () => JSON.parse(json));
  report({
    bench: 'canvas', metric: 'gesture to canvas graph, 200 nodes (no browser redraw)', unit: 'ms', value: median(times), target: '< 100 ms with the redraw',
    reference: { what: `JSON.parse of the canvas graph (${(json.length / 1e3).toFixed(0)} kB)`, value: median(ref) },
  });
}

await layout500();
await gesture200();
