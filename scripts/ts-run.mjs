// Runs one of the TypeScript harness scripts (scripts/*.ts, test/e2e/*.ts) on the machine's Node 20.
// Node 20 cannot strip types, so esbuild bundles the entry into node_modules/.cache (inside the clone,
// so bare imports still resolve against ./node_modules) and we import the result. ~50 ms per run.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/ts-run.mjs FILE.ts [ARGS...]');
  process.exit(2);
}
const outDir = join(root, 'node_modules', '.cache', 'mlpipe-scripts');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, relative(root, resolve(entry)).replaceAll('/', '__').replace(/\.ts$/, '.mjs'));
await esbuild.build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
  // Bundled code may still ask for require() (e.g. CJS-only helpers); give ESM output one.
  banner: { js: `import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);` },
});
process.setSourceMapsEnabled(true); // stack traces point at the .ts lines
process.argv = [process.argv[0], basename(entry), ...args];
await import(pathToFileURL(outfile).href);
