import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ensureCodeServer } from './install-code-server.js';
import { spawnGroup, stopGroup } from './process-group.js';

export interface CodeServerOptions {
  /** Folder opened in the workbench. */
  workspace: string;
  /**
   * false keeps Workspace Trust on, so the folder opens in Restricted Mode (for trust tests).
   * Default true: `--disable-workspace-trust`, everything trusted, no trust dialog.
   */
  trustAll?: boolean;
  /** Lets a page run extension tests from the `payload` URL and report through `codeAutomationExit`. */
  smokeTestDriver?: boolean;
  /** Extra environment for code-server and hence its extension host. */
  env?: Record<string, string>;
  /** Echo code-server's own output (npm start does; tests keep it in the log file). */
  verbose?: boolean;
}

export interface CodeServer {
  url: string;
  port: number;
  /** VS Code's user data dir: logs/<ts>/exthost1/... hold the extension host's logs. */
  userDataDir: string;
  extensionsDir: string;
  /** code-server's stdout+stderr. */
  logFile: string;
  /** Kills the whole process tree and removes the temp dirs (unless `keep`). */
  stop(options?: { keep?: boolean }): Promise<void>;
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
  const temp = mkdtempSync(join(tmpdir(), 'mlpipe-code-server-'));
  const dirs = { userData: join(temp, 'user-data'), extensions: join(temp, 'extensions'), config: join(temp, 'xdg-config'), data: join(temp, 'xdg-data') };
  Object.values(dirs).forEach((d) => mkdirSync(d, { recursive: true }));
  const port = await freePort();
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
    options.workspace,
  ];
  const logFile = join(temp, 'code-server.log');
  const log = createWriteStream(logFile);
  const child = spawnGroup(install.node, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own XDG dirs: otherwise code-server writes config and state under ~/.config and ~/.local/share.
    env: { ...process.env, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, ...options.env },
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
    if (!keep) rmSync(temp, { recursive: true, force: true });
  };
  try {
    await waitHealthy(url, exited, 30_000);
  } catch (e) {
    await stop({ keep: true });
    throw new Error(`${(e as Error).message}; log: ${logFile}`);
  }
  return { url, port, userDataDir: dirs.userData, extensionsDir: dirs.extensions, logFile, stop };
}
