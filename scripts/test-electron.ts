// The same extension-host tests (test/extension/) under desktop VS Code via @vscode/test-electron, for
// machines that can download VS Code (it fetches a build into .vscode-test/). CI here cannot: it uses
// scripts/test-extension-host.ts (code-server) instead. On a headless Linux box run it under `xvfb-run -a`.
//   npm run test:electron                 # latest stable VS Code
//   VSCODE_VERSION=1.95.0 npm run test:electron
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './lib/build.js';
import { repoRoot, samplesDir } from './lib/paths.js';

await ensureBuilt();
// A throw-away copy of samples/ and a fresh profile, as with code-server: tests never touch the repo.
const temp = mkdtempSync(join(tmpdir(), 'mlpipe-electron-'));
const workspace = join(temp, 'workspace');
cpSync(samplesDir, workspace, { recursive: true });
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'dist', 'test', 'extension', 'index.cjs'),
    launchArgs: [
      workspace,
      '--disable-extensions', // other installed extensions stay out; the one under development still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      `--user-data-dir=${join(temp, 'user-data')}`,
    ],
  });
  console.log('electron extension tests: passed');
} catch (e) {
  console.error(`electron extension tests: FAILED (${(e as Error).message})`);
  process.exitCode = 1;
} finally {
  rmSync(temp, { recursive: true, force: true });
}
