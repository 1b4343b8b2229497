import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeServer } from './code-server.js';
import { artifactsDir } from './paths.js';

/** A fresh artifacts/<name>/ folder (ignored by git) for screenshots and logs of one test level. */
export function artifactFolder(name: string): string {
  const dir = join(artifactsDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Copies what explains a failure: code-server's own output and VS Code's logs, including the extension
 * host's remoteexthost.log (activation errors with stacks) and output channel logs such as N-MLPipe.log.
 */
export function saveServerLogs(server: CodeServer, dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (existsSync(server.logFile)) cpSync(server.logFile, join(dir, 'code-server.log'));
  const logs = join(server.userDataDir, 'logs');
  if (existsSync(logs)) cpSync(logs, join(dir, 'vscode-logs'), { recursive: true });
}

export function saveText(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), text);
}
