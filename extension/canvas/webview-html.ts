import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewPage } from './webview-page.js';

/** Where webview bundles are built (esbuild.mjs); the only folder a webview may load from. */
export const webviewRoot = (extensionUri: vscode.Uri): vscode.Uri => vscode.Uri.joinPath(extensionUri, 'dist', 'webviews');

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): string {
  const root = webviewRoot(extensionUri);
  return webviewPage({
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, `${bundle}.js`)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, `${bundle}.css`)).toString(),
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    title,
  });
}
