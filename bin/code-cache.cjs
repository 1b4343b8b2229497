'use strict';
// Loads a CommonJS bundle with V8's code cache, so a CLI start does not compile megabytes of JavaScript
// again: compiling dist/cli.cjs (3.6 MB) was a fifth of a fully cached `mlpipe run`. Node 22 does this
// itself (module.enableCompileCache); on Node 20 the bundle is compiled as a vm.Script with the cached data
// of the last start, and the cache is rewritten at exit when V8 rejected it or there was none (it then
// holds every function the command compiled). The cache lives in the user's cache folder, keyed by
// Node's version and the bundle's size and time; V8 checks it against the source too. Anything unusual
// (no home folder, a read-only one, an old Node) falls back to a plain require(). The bundle must not use
// import(): Node 20 allows it in a vm.Script only behind --experimental-vm-modules (esbuild.mjs turns the
// CLI's into require()).
const Module = require('node:module');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

/**
 * The user's own cache folder (~/.cache/mlpipe, where the test tools live too), never a shared temp
 * folder: cached code is run as it is, so nobody else may be able to write it.
 */
function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || (os.homedir() && path.join(os.homedir(), '.cache'));
  return base ? path.join(base, 'mlpipe', 'code-cache') : undefined;
}

/**
 * require(file), through V8's code cache where this Node allows it. `variant` keeps one cache per kind of
 * start (the CLI's command): a cache holds the functions its first start compiled, and `run` needs the
 * parser's and the executor's where `--help` needs almost none.
 */
function requireCached(file, variant = 'default') {
  const dir = cacheDir();
  if (!dir || process.env.MLPIPE_NO_CODE_CACHE) return require(file);
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(dir);
    return require(file);
  }
  let source;
  let cacheFile;
  let cached;
  try {
    source = fs.readFileSync(file, 'utf8');
    const st = fs.statSync(file);
    cacheFile = path.join(dir, `${path.basename(file)}-${variant}-${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}.cache`);
    cached = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet (or the bundle cannot be read: require reports that below).
    if (source === undefined) return require(file);
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData: cached,
  });
  if (!cached || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
        const tmp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, cacheFile);
        // Caches of earlier builds (or Node versions) of this bundle and variant are of no more use.
        const prefix = `${path.basename(file)}-${variant}-`;
        for (const f of fs.readdirSync(dir)) if (f.startsWith(prefix) && f.endsWith('.cache') && path.join(dir, f) !== cacheFile) fs.rmSync(path.join(dir, f), { force: true });
      } catch {
        // Only a cache.
      }
    });
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const req = Module.createRequire(file);
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  return mod.exports;
}

module.exports = { requireCached };
