import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
import { run } from './proc.js';

/** Everything the bundles in dist/ are built from. */
const SOURCES = ['extension', 'language-server', 'runtime', 'webviews', 'test/extension', 'package.json', 'esbuild.mjs', 'langium-config.json'];
const OUTPUTS = ['dist/extension.cjs', 'dist/server.cjs', 'dist/cli.cjs', 'dist/test/extension/index.cjs'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'generated' || entry === 'node_modules') continue; // outputs of the build itself
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Runs `npm run build` when a bundle is missing or older than any source (or always with `force`). */
export async function ensureBuilt({ force = false } = {}): Promise<void> {
  const outputs = OUTPUTS.map((o) => join(repoRoot, o));
  const oldestOutput = Math.min(...outputs.map((o) => (existsSync(o) ? statSync(o).mtimeMs : 0)));
  const newestSource = Math.max(...SOURCES.map((s) => newestMtime(join(repoRoot, s))));
  if (!force && oldestOutput > newestSource) return;
  console.log('[build] npm run build');
  await run('npm', ['run', '--silent', 'build'], { cwd: repoRoot });
}
