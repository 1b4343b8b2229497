// Runs the Playwright end-to-end tests (test/e2e/*.e2e.test.ts) with node's test runner, one file at a
// time (each starts its own code-server + Chromium; the machine has 2 cores). Node 20 cannot run
// TypeScript, so each test file is first bundled by esbuild next to node_modules.
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { artifactFolder } from './lib/artifacts.js';
import { ensureBuilt } from './lib/build.js';
import { ensureChromium } from './lib/install-chromium.js';
import { ensureCodeServer } from './lib/install-code-server.js';
import { repoRoot } from './lib/paths.js';
import { run, seconds } from './lib/proc.js';

const started = performance.now();
await ensureBuilt();
// Install before the tests start, so install time never counts against a test's timeout.
await ensureCodeServer();
await ensureChromium();
const artifacts = artifactFolder('e2e');

const only = process.argv.slice(2);
const sourceDir = join(repoRoot, 'test', 'e2e');
const files = readdirSync(sourceDir).filter((f) => f.endsWith('.e2e.test.ts') && (only.length === 0 || only.some((o) => f.includes(o))));
const outDir = join(repoRoot, 'node_modules', '.cache', 'mlpipe-e2e');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
await esbuild.build({
  entryPoints: files.map((f) => join(sourceDir, f)),
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
const bundles = readdirSync(outDir).filter((f) => f.endsWith('.mjs')).map((f) => join(outDir, f));
let failed = false;
try {
  // The report also goes beside the screenshots, so a failure's details stay with them.
  await run(process.execPath, [
    '--enable-source-maps', '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=spec', `--test-reporter-destination=${join(artifacts, 'report.txt')}`,
    ...bundles,
  ], { cwd: repoRoot });
} catch {
  failed = true;
}
console.log(`e2e tests: ${failed ? 'FAILED, report, screenshots and logs in artifacts/e2e/' : 'passed, screenshots in artifacts/e2e/'} (${seconds(started)})`);
process.exitCode = failed ? 1 : 0;
