// Language benchmarks (issue 2): parse + validate of a 2,000-step file, and keystroke-to-diagnostics
// through the real language server on a 200-step file. Run: npm run bench -- language
import { EmptyFileSystem, URI } from 'langium';
import { pathToFileURL } from 'node:url';
import { analyze } from '../language-server/analysis/analysis.js';
import type * as ast from '../language-server/generated/ast.js';
import { createMLPipeServices } from '../language-server/module.js';
import { ServerProcess } from '../test/lsp/server-process.js';
import { generatePipeline } from './generate-pipeline.js';
import { median, report, timeMany } from './stats.js';

async function parseAndValidate(): Promise<void> {
  const text = generatePipeline(2000);
  const services = createMLPipeServices(EmptyFileSystem);
  const lines = text.split('\n').length;
  let n = 0;
  const build = async () => {
    const doc = services.shared.workspace.LangiumDocumentFactory.fromString<ast.Document>(text, URI.parse(`memory:///b${n++}.mlpipe`));
    services.shared.workspace.LangiumDocuments.addDocument(doc);
    await services.shared.workspace.DocumentBuilder.build([doc], { validation: true });
    if (doc.diagnostics?.some((d) => d.severity === 1)) throw new Error(`generated pipeline has errors: ${String(doc.diagnostics[0].message)}`);
    const model = analyze(doc.parseResult.value).model;
    services.shared.workspace.LangiumDocuments.deleteDocument(doc.uri);
    return model;
  };
  const model = await build();
  await timeMany(3, build); // warm-up
  const times = await timeMany(10, build);
  const json = JSON.stringify(model);
  const ref = await timeMany(10, () => JSON.parse(json));
  report({
    bench: 'language', metric: 'parse+validate 2000-step pipeline', unit: 'ms', value: median(times), lines, target: '< 300 ms',
    reference: { what: `JSON.parse of the same model (${(json.length / 1e6).toFixed(1)} MB)`, value: median(ref) },
  });
}

async function keystrokeToDiagnostics(): Promise<void> {
  const base = generatePipeline(200);
  if (!base.includes('s0.out]')) throw new Error('generator changed: no s0.out reference to break');
  const server = new ServerProcess();
  await server.initialize(null);
  const uri = pathToFileURL('/bench/keystroke.mlpipe').toString();
  const first = server.diagnostics(uri);
  await server.open(uri, base, 1);
  await first;
  const times: number[] = [];
  const refs: number[] = [];
  let version = 1;
  for (let i = 0; i < 40; i++) {
    // Alternate between breaking and fixing a reference, as typing does.
    const broken = i % 2 === 0;
    const text = broken ? base.replace('s0.out]', 's0.ou]') : base;
    const t = performance.now();
    const next = server.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'unknown-output') === broken);
    await server.change(uri, text, ++version);
    await next;
    if (i >= 4) times.push(performance.now() - t);
    const r = performance.now();
    await server.connection.sendRequest('textDocument/documentHighlight', { textDocument: { uri }, position: { line: 0, character: 0 } });
    if (i >= 4) refs.push(performance.now() - r);
  }
  await server.shutdown();
  report({
    bench: 'language', metric: 'keystroke to diagnostics, 200-step file, real LSP connection (median)', unit: 'ms', value: median(times), target: '< 50 ms',
    reference: { what: 'round trip of a trivial request on the same connection', value: median(refs) },
  });
}

await parseAndValidate();
await keystrokeToDiagnostics();
