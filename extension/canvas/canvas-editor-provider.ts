import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { RunStatusUpdate } from '../../webviews/canvas/protocol.js';
import { CanvasSession } from './canvas-session.js';
import { LayoutService } from './layout-service.js';
import { LayoutStore } from './layout-store.js';
import type { PipelineModelFeed } from './model-feed.js';
import { RunStatusBoard } from './run-status-board.js';

export const CANVAS_VIEW_TYPE = 'mlpipe.canvas';

/** What the rest of the extension (and the run integration) may ask of the canvas. */
export interface CanvasApi {
  /** Shows run states on the nodes of every canvas open on `uri` (fed by the runtime's event stream). */
  showRunStatus(uri: vscode.Uri, update: RunStatusUpdate): void;
  clearRunStatus(uri: vscode.Uri): void;
  /** Number of canvas panels open, for tests. */
  openCanvases(): number;
}

/**
 * "MLPipe Canvas": a custom *text* editor on `.mlpipe` files. VS Code keeps the TextDocument; each
 * panel is a CanvasSession. Layout stores are shared by the panels of one document.
 */
export class CanvasEditorProvider implements vscode.CustomTextEditorProvider, vscode.Disposable {
  private readonly sessions = new Set<CanvasSession>();
  private readonly layoutStores = new Map<string, { store: LayoutStore; users: number }>();
  private readonly runs = new RunStatusBoard();
  private readonly layouts: LayoutService;
  private readonly disposables: vscode.Disposable[] = [this.runs];

  constructor(private readonly context: vscode.ExtensionContext, private readonly feed: PipelineModelFeed, private readonly log: vscode.LogOutputChannel) {
    // Built by esbuild.mjs beside extension.cjs.
    const script = vscode.Uri.joinPath(context.extensionUri, 'dist', 'canvas-layout-worker.cjs').fsPath;
    this.layouts = new LayoutService(() => new Worker(script));
  }

  register(): this {
    this.disposables.push(
      vscode.window.registerCustomEditorProvider(CANVAS_VIEW_TYPE, this, {
        // The canvas restores itself from its saved state when shown again; no need to keep it alive hidden.
        webviewOptions: { retainContextWhenHidden: false },
        supportsMultipleEditorsPerDocument: true,
      }),
      vscode.commands.registerCommand('mlpipe.openCanvas', (uri?: vscode.Uri) => this.open(uri, vscode.ViewColumn.Active)),
      vscode.commands.registerCommand('mlpipe.openCanvasToSide', (uri?: vscode.Uri) => this.open(uri, vscode.ViewColumn.Beside)),
      vscode.commands.registerCommand('mlpipe.openText', (uri?: vscode.Uri) => this.openText(uri)),
      vscode.commands.registerCommand('mlpipe.canvas.autoLayout', () => this.activeSession()?.command('autoLayout')),
      vscode.commands.registerCommand('mlpipe.canvas.fitView', () => this.activeSession()?.command('fitView')),
    );
    return this;
  }

  get api(): CanvasApi {
    return {
      showRunStatus: (uri, update) => this.runs.update(uri, update),
      clearRunStatus: (uri) => this.runs.clear(uri),
      openCanvases: () => this.sessions.size,
    };
  }

  async resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): Promise<void> {
    // ELK loads and warms up in its thread while the model and the webview are on their way.
    this.layouts.prepare();
    const layout = this.acquireLayout(document.uri);
    await layout.loaded;
    const session = new CanvasSession({
      document, panel, extensionUri: this.context.extensionUri, feed: this.feed, layout, layouts: this.layouts, runs: this.runs, log: this.log,
    });
    this.sessions.add(session);
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      session.dispose();
      this.releaseLayout(document.uri);
    });
    session.start();
  }

  private async open(uri: vscode.Uri | undefined, column: vscode.ViewColumn): Promise<void> {
    const target = uri ?? this.activeMlpipeUri();
    if (!target) {
      void vscode.window.showInformationMessage('Open a .mlpipe file first.');
      return;
    }
    await vscode.commands.executeCommand('vscode.openWith', target, CANVAS_VIEW_TYPE, column);
  }

  private async openText(uri: vscode.Uri | undefined): Promise<void> {
    const target = uri ?? this.activeMlpipeUri();
    if (target) await vscode.commands.executeCommand('vscode.openWith', target, 'default', vscode.ViewColumn.Beside);
  }

  /** The .mlpipe document of the active text editor, or of the active canvas. */
  private activeMlpipeUri(): vscode.Uri | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.languageId === 'mlpipe') return editor.document.uri;
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputCustom && input.viewType === CANVAS_VIEW_TYPE) return input.uri;
    if (input instanceof vscode.TabInputText && input.uri.path.endsWith('.mlpipe')) return input.uri;
    return undefined;
  }

  private activeSession(): CanvasSession | undefined {
    return [...this.sessions].find((s) => s.panel.active);
  }

  private acquireLayout(uri: vscode.Uri): LayoutStore {
    const key = uri.toString();
    let entry = this.layoutStores.get(key);
    if (!entry) {
      entry = { store: new LayoutStore(uri), users: 0 };
      this.layoutStores.set(key, entry);
    }
    entry.users++;
    return entry.store;
  }

  private releaseLayout(uri: vscode.Uri): void {
    const key = uri.toString();
    const entry = this.layoutStores.get(key);
    if (!entry || --entry.users > 0) return;
    this.layoutStores.delete(key);
    entry.store.dispose();
  }

  dispose(): void {
    this.sessions.forEach((s) => s.dispose());
    this.sessions.clear();
    this.layoutStores.forEach((l) => l.store.dispose());
    this.layoutStores.clear();
    this.layouts.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
