// `npm start`: MLPipe in a real VS Code (code-server, in your browser) on the samples/ workspace.
// Installs code-server on first use, rebuilds when sources changed, runs until Ctrl+C.
import { parseArgs } from 'node:util';
import { ensureBuilt } from './lib/build.js';
import { startCodeServer } from './lib/code-server.js';
import { isShuttingDown } from './lib/process-group.js';
import { repoRoot, samplesDir } from './lib/paths.js';
import { seconds } from './lib/proc.js';
import { workbenchUrl } from './lib/workbench-url.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, verbose: { type: 'boolean' } } });
const port = values.port ?? process.env.MLPIPE_PORT;

const started = performance.now();
await ensureBuilt();
const server = await startCodeServer({
  workspace: samplesDir,
  extensionFromSource: repoRoot,
  port: port ? Number(port) : undefined,
  verbose: values.verbose,
});
console.log(`
MLPipe is running in VS Code (code-server, started in ${seconds(started)}). Open:

  ${workbenchUrl(server.url, { folder: samplesDir })}

then churn/churn.mlpipe in the Explorer. The extension is loaded from this folder: after \`npm run build\`
(or while \`npm run watch\` runs) use "Developer: Reload Window". code-server logs: ${server.logFile}
Listening on 127.0.0.1 only, without a password. Press Ctrl+C to stop.
`);

// Ctrl+C is handled in lib/process-group.ts: it stops code-server's whole process tree, then exits.
const how = await server.exited;
if (!isShuttingDown()) {
  console.error(`code-server stopped on its own (${how}); its log: ${server.logFile}`);
  await server.stop({ keep: true });
  process.exitCode = 1;
}
