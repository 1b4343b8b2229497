// Runs a TypeScript benchmark: `node bench/run.mjs language` bundles bench/language.bench.ts and runs it.
// Options after the names go to each benchmark: `node bench/run.mjs data --scale 0.1`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

// Names come first; everything from the first --option on goes to each benchmark.
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('-'));
const names = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
if (!names.length) {
  console.error('usage: node bench/run.mjs NAME... [--options for the benchmarks]   (bench/NAME.bench.ts)');
  process.exit(2);
}
// Inside node_modules so that external packages resolve from the bundle (ES modules ignore NODE_PATH),
// and inside the clone, so benchmarks that start code-server find the repository from there.
const dir = join(process.cwd(), 'node_modules', '.cache', 'mlpipe-bench');
mkdirSync(dir, { recursive: true });
let failed = false;
for (const name of names) {
  const outfile = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [`bench/${name}.bench.ts`], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile,
    external: ['@duckdb/*', 'onnxruntime-node', 'ssh2', 'cpu-features', 'playwright-core'], logLevel: 'warning',
    // Bundled CommonJS dependencies call require(); give the ES module one.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  });
  // The same young-generation size the language server runs with (extension/language-client.ts).
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=32', outfile, ...options], { stdio: 'inherit' });
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
