import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DataFilesChangedNotification } from '../language-server/lsp/protocol.js';
import { countsAsDataChange } from './data-file-filter.js';

const DATA_GLOB = '**/*.{csv,tsv,parquet,json,jsonl,ndjson}';

/**
 * New data landing on disk should re-run the data checks of open pipelines; bursts (a generator
 * writing many files) collapse into one notification.
 */
export function watchDataFiles(client: LanguageClient): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher(DATA_GLOB);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = (uri: vscode.Uri) => {
    if (!countsAsDataChange(uri.path)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void client.sendNotification(DataFilesChangedNotification, {}), 500);
  };
  return [watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed), { dispose: () => clearTimeout(timer) }];
}
