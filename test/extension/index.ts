// Entry point VS Code's extension host loads through `extensionTestsPath` (code-server's smoke-test driver
// or @vscode/test-electron). It runs every bundled *.test.cjs beside it with Mocha and rejects on failure.
import Mocha from 'mocha';
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/**
 * Keeps a copy of the reporter's output. In code-server the extension host's console reaches only the
 * browser (mixed with workbench logs), so the runner asks for a clean report file via MLPIPE_TEST_REPORT.
 */
function teeReporterOutput(reportFile: string | undefined): void {
  if (reportFile) writeFileSync(reportFile, '');
  const base = Mocha.reporters.Base;
  const original = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => {
    // Line by line, so a run that hangs still shows how far it got.
    if (reportFile) appendFileSync(reportFile, `${format(...args)}\n`);
    original(...args);
  };
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    // A cold extension host + language server start can take ~10 s on a 2-core machine.
    timeout: 30_000,
    // MLPIPE_TEST_GREP narrows a run while debugging one test.
    grep: process.env.MLPIPE_TEST_GREP,
  });
  // Failure stacks then point at test/extension/*.ts rather than the bundles.
  process.setSourceMapsEnabled(true);
  const reportFile = process.env.MLPIPE_TEST_REPORT;
  teeReporterOutput(reportFile);
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.cjs')).sort()) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const counts = { passed: runner.stats?.passes ?? 0, failed: failures, skipped: runner.stats?.pending ?? 0 };
      // One machine-readable line for the runners' totals (also on the console, for test-electron).
      const line = `mlpipe-extension-tests: ${JSON.stringify(counts)}`;
      if (reportFile) appendFileSync(reportFile, `${line}\n`);
      console.log(line);
      if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
      else resolve();
    });
  });
}
