import type * as vscode from 'vscode';
import { MLPipeExtension, type MLPipeApi } from './mlpipe-extension.js';

const loadedAt = performance.now();

export function activate(context: vscode.ExtensionContext): MLPipeApi {
  return new MLPipeExtension(context, loadedAt).activate();
}

export function deactivate(): Thenable<void> | undefined {
  return MLPipeExtension.current?.dispose();
}
