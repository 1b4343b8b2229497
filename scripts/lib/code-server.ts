import { cpSync, createWriteStream, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ensureCodeServer } from './install-code-server.js';
import { spawnGroup, stopGroup } from './process-group.js';
import { withoutNpmScriptEnv } from './proc.js';
import { ensureSampleData } from './sample-data.js';
import { ownedTempDir } from './temp-dir.js';

export interface CodeServerOptions {
  /** Folder opened in the workbench. */
  workspace: string;
  /**
   * Open a throw-away copy of `workspace` instead (tests): nothing a test types or saves can change
   * the repository's samples.
   */
  copyWorkspace?: boolean;
  /**
   * false keeps Workspace Trust on, so the folder opens in Restricted Mode (for trust tests).
   * Default true: `--disable-workspace-trust`, everything trusted, no trust dialog.
   */
  trustAll?: boolean;
  /** Lets a page run extension tests from the `payload` URL and report through `codeAutomationExit`. */
  smokeTestDriver?: boolean;
  /**
   * Extension folder to install from source: linked into the extensions dir, so a plain workbench URL
   * loads it and "Developer: Reload Window" picks up a rebuild (npm start, e2e tests).
   */
  extensionFromSource?: string;
  /** Extra environment for code-server and hence its extension host. */
  env?: Record<string, string>;
  /** Port to listen on (127.0.0.1 only); a free one when absent. */
  port?: number;
  /** VS Code user settings for this throw-away profile. */
  settings?: Record<string, unknown>;
  /** Echo code-server's own output (npm start does; tests keep it in the log file). */
  verbose?: boolean;
}

export interface CodeServer {
  url: string;
  /** The folder actually opened: `workspace`, or its copy. */
  workspace: string;
  port: number;
  /** VS Code's user data dir: logs/<ts>/exthost1/... hold the extension host's logs. */
  userDataDir: string;
  extensionsDir: string;
  /** code-server's stdout+stderr. */
  logFile: string;
  /** Settles when code-server exits, with the exit code or signal. */
  exited: Promise<string>;
  /** Kills the whole process tree and removes the temp dirs (unless `keep`). */
  stop(options?: { keep?: boolean }): Promise<void>;
}

/** No welcome page, no marketplace lookups (there is no network), no AI chat: a calm, offline workbench. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  // Edits stay in the editor until the user saves (code-server may default to auto save).
  'files.autoSave': 'off',
  // code-server's extension host is a remote one, which every few seconds scans the processes for
  // listening ports to offer forwarding them (spawning `ps`-like work in the extension host, up to
  // ~150 ms at a time, in between MLPipe's messages). Desktop VS Code, which this stands in for,
  // runs a local extension host that does not.
  'remote.autoForwardPorts': false,
};

/** VS Code finds user extensions as <extensions-dir>/<publisher>.<name>-<version>; a symlink will do. */
function linkExtension(folder: string, extensionsDir: string): void {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  symlinkSync(folder, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
}

async function waitHealthy(url: string, exited: Promise<string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: string | undefined;
  void exited.then((why) => (gone = why));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`code-server exited before it was healthy (${gone})`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet: poll again.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server not healthy after ${timeoutMs} ms`);
}

/** Starts code-server (installed on demand) on a free port with its own throw-away profile. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const install = await ensureCodeServer();
  const tempDir = ownedTempDir('mlpipe-code-server-');
  const temp = tempDir.path;
  const dirs = { userData: join(temp, 'user-data'), extensions: join(temp, 'extensions'), config: join(temp, 'xdg-config'), data: join(temp, 'xdg-data') };
  Object.values(dirs).forEach((d) => mkdirSync(d, { recursive: true }));
  mkdirSync(join(dirs.userData, 'User'));
  const workspace = options.copyWorkspace ? join(temp, 'workspace') : options.workspace;
  if (options.copyWorkspace) cpSync(options.workspace, workspace, { recursive: true });
  ensureSampleData(workspace);
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  if (options.extensionFromSource) linkExtension(options.extensionFromSource, dirs.extensions);
  const port = options.port ?? (await freePort());
  const args = [
    install.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    ...(options.trustAll === false ? [] : ['--disable-workspace-trust']),
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    workspace,
  ];
  const logFile = join(temp, 'code-server.log');
  const log = createWriteStream(logFile);
  const child = spawnGroup(install.node, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own XDG dirs: otherwise code-server writes config and state under ~/.config and ~/.local/share.
    // No npm_* variables of `npm start`/`npm test` leaking into the workbench's terminals and tasks.
    env: { ...withoutNpmScriptEnv(process.env), XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, ...options.env },
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.pipe(log, { end: false });
    if (options.verbose) stream?.pipe(process.stderr, { end: false });
  }
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async ({ keep = false } = {}): Promise<void> => {
    await stopGroup(child);
    log.end();
    tempDir.release({ keep });
  };
  try {
    await waitHealthy(url, exited, 30_000);
  } catch (e) {
    await stop({ keep: true });
    throw new Error(`${(e as Error).message}; log: ${logFile}`);
  }
  return { url, workspace, port, userDataDir: dirs.userData, extensionsDir: dirs.extensions, logFile, exited, stop };
}
