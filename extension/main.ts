import type * as vscode from 'vscode';
import { MLPipeExtension, type MLPipeApi } from './mlpipe-extension.js';

export function activate(context: vscode.ExtensionContext): MLPipeApi {
  return new MLPipeExtension(context).activate();
}

export function deactivate(): Thenable<void> | undefined {
  return MLPipeExtension.current?.dispose();
}
