import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureAptPackages } from './apt.js';
import { toolsCache } from './paths.js';
import { run, seconds, withoutNpmScriptEnv } from './proc.js';
import { CODE_SERVER_VERSION, NODE24_PACKAGE, NODE24_VERSION } from './versions.js';

/** Written last: a directory without it is a half-finished install and is redone from scratch. */
const MARKER = '.mlpipe-complete';

export interface CodeServerInstall {
  /** Node 24 binary that code-server must run on. */
  node: string;
  /** code-server's entry script (run as `node entry.js ...`). */
  entry: string;
  version: string;
}

function node24Dir(): string {
  return join(toolsCache, `node-${NODE24_VERSION}`);
}

/** Unpacks the npm package that ships a Node 24 binary plus headers (native modules compile against them). */
async function ensureNode24(): Promise<string> {
  const dir = node24Dir();
  if (existsSync(join(dir, MARKER))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  console.log(`[code-server] fetching Node ${NODE24_VERSION} from npm (${NODE24_PACKAGE}) into ${dir}`);
  // `npm pack` only downloads the tarball: no install scripts of a package we merely unpack.
  await run('npm', ['pack', '--silent', `${NODE24_PACKAGE}@${NODE24_VERSION}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = join(dir, `${NODE24_PACKAGE}-${NODE24_VERSION}.tgz`);
  await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  rmSync(tarball);
  writeFileSync(join(dir, MARKER), new Date().toISOString());
  console.log(`[code-server] Node ${NODE24_VERSION} ready (${seconds(started)})`);
  return dir;
}

/** Installs code-server into the version-keyed cache unless a complete install is already there. */
export async function ensureCodeServer(): Promise<CodeServerInstall> {
  const dir = join(toolsCache, `code-server-${CODE_SERVER_VERSION}`);
  const nodeDir = node24Dir();
  const result: CodeServerInstall = {
    node: join(nodeDir, 'bin', 'node'),
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    version: CODE_SERVER_VERSION,
  };
  if (existsSync(join(dir, MARKER)) && existsSync(join(nodeDir, MARKER))) return result;

  await ensureNode24();
  // One native module (kerberos) needs the Kerberos headers.
  await ensureAptPackages(['libkrb5-dev']);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'mlpipe-code-server-cache', private: true }));
  const started = performance.now();
  console.log(`[code-server] installing code-server ${CODE_SERVER_VERSION} into ${dir} (once; ≈3–4 min on 2 cores)`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: dir,
    env: {
      // A nested npm would read the outer npm's npm_config_* as its own config: code-server's postinstall
      // checks the Node major in npm_config_user_agent, which would still say Node 20.
      ...withoutNpmScriptEnv(process.env),
      // Node 24 first on PATH: code-server's postinstall checks the Node major and node-gyp builds for it.
      PATH: `${join(nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
      // The machine-wide npmrc may point node-gyp at Node 20's headers; use the ones shipped with Node 24.
      npm_config_nodedir: nodeDir,
    },
  });
  if (!existsSync(result.entry)) throw new Error(`code-server install finished but ${result.entry} is missing`);
  writeFileSync(join(dir, MARKER), new Date().toISOString());
  console.log(`[code-server] installed (${seconds(started)})`);
  return result;
}
