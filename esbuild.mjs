// Bundles every entry point. Type checking is separate (`npm run typecheck`): esbuild only strips types.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Node-side bundles: CommonJS because Langium is ESM-only and VS Code loads extensions with require(). */
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // import.meta.url has no CJS meaning; point it at the bundle file so relative lookups still work.
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: 'const __import_meta_url = require("url").pathToFileURL(__filename).href;' },
};

/**
 * Webview bundles: one per webview, for the browser, with their CSS (and the codicon font) beside them.
 * React always in its production build: the development build is several times slower on large graphs.
 */
const webview = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  sourcemap: !production,
  // Minified even in development: it halves what the webview parses before its first paint.
  minify: true,
  logLevel: 'warning',
  jsx: 'automatic',
  loader: { '.ttf': 'file' },
  assetNames: '[name]',
  define: { 'process.env.NODE_ENV': '"production"' },
};

const builds = [
  { ...node, entryPoints: { extension: 'extension/main.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, external: ['vscode'] },
  // DuckDB's and onnxruntime's native bindings (.node files chosen per platform at run time) cannot be
  // bundled: they load from node_modules, so packaging must ship @duckdb/node-api (and its platform
  // package) and onnxruntime-node (its linux-x64 part is enough for that platform's package).
  // ssh2's optional native helpers (cpu-features, its sshcrypto binding) are left out: their install
  // scripts are denied (package.json allowScripts), ssh2 catches their absence and uses its pure-JS code,
  // which loads in every Node ABI (CLI, VS Code's and code-server's extension hosts).
  // import() of an external package (onnxruntime-node, loaded on first use) becomes a require() inside a
  // promise: the CLI runs this bundle from V8's code cache as a vm.Script (bin/code-cache.cjs), where Node 20
  // supports import() only behind --experimental-vm-modules.
  {
    ...node, entryPoints: { server: 'language-server/main.ts', cli: 'runtime/cli/main.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' },
    external: ['@duckdb/node-api', 'onnxruntime-node', 'cpu-features', '*.node'], supported: { 'dynamic-import': false },
  },
  { ...webview, entryPoints: { canvas: 'webviews/canvas/main.tsx' }, outdir: 'dist/webviews' },
  // The canvas's ELK layout runs in a worker thread of the extension host (extension/canvas/layout-service.ts),
  // not in the webview: the webview bundle carries no ELK.
  // Minified always: most of it is ELK's already minified code, which esbuild would otherwise spread out.
  { ...node, entryPoints: { 'canvas-layout-worker': 'extension/canvas/layout-worker.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, minify: true },
  // Loaded by the extension on first use of a remote target (extension/targets/remote-tools.ts).
  { ...node, entryPoints: { 'remote-tools': 'extension/targets/remote-tools.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, external: ['cpu-features', '*.node'] },
  // Extension-host tests: index.cjs (the Mocha `run()` entry VS Code loads) finds the *.test.cjs beside it.
  // mocha stays external: it loads test files with require(), which must be the real Node require.
  {
    ...node,
    entryPoints: ['test/extension/index.ts', ...readdirSync('test/extension').filter((f) => f.endsWith('.test.ts')).map((f) => `test/extension/${f}`)],
    outdir: 'dist/test/extension',
    outExtension: { '.js': '.cjs' },
    external: ['vscode', 'mocha'],
    sourcemap: true,
    minify: false,
  },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
