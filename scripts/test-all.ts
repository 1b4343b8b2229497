// `npm test`: every level, cheapest first: typecheck, lint, unit + LSP tests (vitest), then real VS Code:
// extension-host tests and Playwright end-to-end tests in code-server (installed on demand). Every stage
// runs even after a failure, so one run shows everything; the exit code is non-zero if any failed.
import { ensureAptPackages } from './lib/apt.js';
import { ensureBuilt } from './lib/build.js';
import { CHROMIUM } from './lib/install-chromium.js';
import { ensureCodeServer } from './lib/install-code-server.js';
import { existsSync } from 'node:fs';
import { extensionCounts, nodeTestCounts, runStage, vitestCounts, type StageResult } from './lib/stage.js';

const started = performance.now();
const results: StageResult[] = [];
const npm = (script: string): [string, string[]] => ['npm', ['run', '--silent', script]];

await ensureBuilt();
results.push(await runStage('typecheck', ...npm('typecheck')));
results.push(await runStage('lint', ...npm('lint')));
results.push(await runStage('unit and LSP tests (vitest)', ...npm('test:unit'), vitestCounts));

// Real VS Code. Install first (one apt call for both packages, then code-server), so install time is
// reported separately and never eats into a test's timeout.
const installStarted = performance.now();
try {
  await ensureAptPackages(['libkrb5-dev', ...(existsSync(CHROMIUM) ? [] : ['chromium'])]);
  await ensureCodeServer();
  results.push({ name: 'install code-server + chromium', ok: true, seconds: (performance.now() - installStarted) / 1000 });
  results.push(await runStage('extension-host tests (code-server)', ...npm('test:extension'), extensionCounts));
  results.push(await runStage('end-to-end tests (Playwright + Chromium)', ...npm('test:e2e'), nodeTestCounts));
} catch (e) {
  console.error(e);
  results.push({ name: 'install code-server + chromium', ok: false, seconds: (performance.now() - installStarted) / 1000 });
}

console.log('\n━━ summary ━━');
for (const r of results) {
  const counts = r.counts ? `  (${r.counts.passed} passed, ${r.counts.failed} failed)` : '';
  console.log(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(44)} ${r.seconds.toFixed(1).padStart(6)} s${counts}`);
}
const failedStages = results.filter((r) => !r.ok).length;
const passed = results.reduce((n, r) => n + (r.counts?.passed ?? 0), 0);
const failed = results.reduce((n, r) => n + (r.counts?.failed ?? 0), 0);
console.log(`total time ${((performance.now() - started) / 1000).toFixed(1)} s; ${failedStages === 0 ? 'all stages passed' : `${failedStages} stage(s) FAILED`}`);
// The closing line CI reads: tests counted across vitest, extension host and e2e. A stage that failed
// without a count (typecheck, lint, a crash) counts as one failure so the line never hides it.
const uncounted = results.filter((r) => !r.ok && !(r.counts && r.counts.failed > 0)).length;
console.log(`tests: ${passed} passed, ${failed + uncounted} failed`);
process.exitCode = failedStages === 0 ? 0 : 1;
