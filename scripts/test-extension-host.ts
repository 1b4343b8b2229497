// Runs test/extension/*.test.ts inside the real extension host of code-server: the workbench is opened
// in Chromium with the extension loaded from source and the tests as `extensionTestsPath`. The host
// process always exits 0 there; the real result arrives through window.codeAutomationExit.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactFolder, saveServerLogs, saveText } from './lib/artifacts.js';
import { launchChromium } from './lib/browser.js';
import { ensureBuilt } from './lib/build.js';
import { startCodeServer } from './lib/code-server.js';
import { repoRoot, samplesDir } from './lib/paths.js';
import { seconds } from './lib/proc.js';
import { workbenchUrl } from './lib/workbench-url.js';

// Well above a normal run (≈25 s) but below the sum of Mocha's per-test timeouts.
const TIMEOUT_MS = 3 * 60_000;

interface AutomationLog {
  relativePath: string;
  contents: string;
}

const started = performance.now();
await ensureBuilt();
const artifacts = artifactFolder('extension-host');
const reportFile = join(artifacts, 'mocha-report.txt');
// The extension host inherits code-server's environment: that is how index.ts learns where to report.
const server = await startCodeServer({ workspace: samplesDir, copyWorkspace: true, smokeTestDriver: true, env: { MLPIPE_TEST_REPORT: reportFile } });
const browser = await launchChromium();
let exitCode = 1;
try {
  const page = await browser.newPage();
  const consoleLines: string[] = [];
  page.on('console', (message) => consoleLines.push(message.text()));
  let reportExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (reportExit = resolve));
  // Awaited before navigating: the workbench looks for this function when the tests end.
  await page.exposeFunction('codeAutomationExit', (code: number, logs?: AutomationLog[]) => {
    for (const log of logs ?? []) saveText(join(artifacts, 'workbench-logs'), log.relativePath.replaceAll('/', '__'), log.contents);
    reportExit(code);
  });
  await page.goto(workbenchUrl(server.url, {
    folder: server.workspace,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'dist', 'test', 'extension', 'index.cjs'),
  }));
  let timer: NodeJS.Timeout | undefined;
  exitCode = await Promise.race([exited, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(124), TIMEOUT_MS)))]);
  clearTimeout(timer);
  if (exitCode === 124) console.error(`extension tests did not finish within ${TIMEOUT_MS / 1000} s`);
  if (exitCode !== 0) {
    await page.screenshot({ path: join(artifacts, 'workbench.png') }).catch(() => undefined);
    saveText(artifacts, 'browser-console.log', consoleLines.join('\n'));
  }
} finally {
  await browser.close();
  if (exitCode !== 0) saveServerLogs(server, artifacts);
  await server.stop();
}
if (existsSync(reportFile)) process.stdout.write(readFileSync(reportFile, 'utf8'));
else console.error('the extension tests wrote no report (did the extension host start? see artifacts/extension-host/)');
console.log(`extension-host tests: ${exitCode === 0 ? 'passed' : `FAILED (exit ${exitCode}), logs in ${artifacts}`} (${seconds(started)})`);
process.exitCode = exitCode;
