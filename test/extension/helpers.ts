// Shared by the extension-host tests: reach the MLPipe API, open samples, wait for real signals.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MLPipeApi } from '../../extension/mlpipe-extension.js';

export const EXTENSION_ID = 'mlpipe.mlpipe';

/** Activates MLPipe (if the host has not yet) and waits until its language server is running. */
export async function mlpipe(): Promise<MLPipeApi> {
  const extension = vscode.extensions.getExtension<MLPipeApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded in this extension host`);
  const api = await extension.activate();
  await api.ready;
  return api;
}

/** A file under the opened samples/ workspace folder. */
export function sampleUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests expect samples/ to be open as the workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/** Opens a document in an editor and makes it the active one (the status bar follows the active editor). */
export async function openEditor(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Throws away unsaved test edits so every test starts from the file on disk. */
export async function revert(editor: vscode.TextEditor): Promise<void> {
  if (!editor.document.isDirty) return;
  await vscode.window.showTextDocument(editor.document);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  assert.equal(editor.document.isDirty, false, 'revert left the document dirty');
}

/** Position of the first match of `pattern` (plus `offset` characters); fails the test if absent. */
export function positionOf(document: vscode.TextDocument, pattern: RegExp | string, offset = 0): vscode.Position {
  const text = document.getText();
  const index = typeof pattern === 'string' ? text.indexOf(pattern) : (pattern.exec(text)?.index ?? -1);
  assert.ok(index >= 0, `${String(pattern)} not found in ${document.uri.path}`);
  return document.positionAt(index + offset);
}

/** Replaces the first occurrence of `search` through a WorkspaceEdit (like a user edit: undo works). */
export async function replaceFirst(document: vscode.TextDocument, search: string | RegExp, replacement: string): Promise<void> {
  const start = positionOf(document, search);
  const matched = typeof search === 'string' ? search : search.exec(document.getText())![0];
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(start, document.positionAt(document.offsetAt(start) + matched.length)), replacement);
  assert.ok(await vscode.workspace.applyEdit(edit), 'applyEdit refused the edit');
}

export function diagnosticCode(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

/**
 * Resolves with the diagnostics of `uri` once `accept` holds for them, checking now and on every
 * onDidChangeDiagnostics event; rejects after `timeoutMs` with what was last seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const current = vscode.languages.getDiagnostics(uri);
      if (!accept(current)) return false;
      cleanup();
      resolve(current);
      return true;
    };
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${diagnosticCode(d)}: ${d.message}`);
      reject(new Error(`timed out waiting for diagnostics on ${uri.path}; last seen: ${JSON.stringify(seen)}`));
    }, timeoutMs);
    const cleanup = (): void => {
      listener.dispose();
      clearTimeout(timer);
    };
    check();
  });
}

/**
 * Polls `probe` until it returns a value other than undefined. For state that has no event of its own
 * (e.g. the status bar text, which another listener updates after the diagnostics event).
 */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const errorsOf = (diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] =>
  diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
