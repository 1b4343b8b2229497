// Runs a TypeScript benchmark: `node bench/run.mjs language` bundles bench/language.bench.ts and runs it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const names = process.argv.slice(2);
if (!names.length) {
  console.error('usage: node bench/run.mjs NAME...   (bench/NAME.bench.ts)');
  process.exit(2);
}
// Inside the clone (like the e2e bundles): benchmarks that start code-server find the repository from there.
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
    nodePaths: [join(process.cwd(), 'node_modules')],
  });
  const r = spawnSync(process.execPath, ['--expose-gc', outfile, ...process.argv.slice(3)], { stdio: 'inherit', env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') } });
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
