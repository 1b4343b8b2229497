import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PipelineModelRequest, TrustChangedNotification, type PipelineModelResult } from '../language-server/lsp/protocol.js';
import { CanvasEditorProvider, type CanvasApi } from './canvas/canvas-editor-provider.js';
import { PipelineModelFeed } from './canvas/model-feed.js';
import { watchDataFiles } from './data-files.js';
import { TargetChecks, type CheckTargetOptions } from './targets/check-target.js';
import type { TargetReport } from '../runtime/remote/target-check.js';
import { ValidationStatus } from './status-bar.js';

/** What `activate()` returns: used by extension tests and other extensions. */
export interface MLPipeApi {
  /** Resolves once the language server has started. */
  ready: Promise<void>;
  pipelineModel(uri: vscode.Uri): Promise<PipelineModelResult>;
  statusText(): string;
  activationMs: number;
  /** The pipeline canvas: run status overlay for the run integration. */
  canvas: CanvasApi;
  /** "MLPipe: Check Target" without the pickers (tests: a throw-away HOME, a scripted answer to the trust question). */
  checkTarget(uri: vscode.Uri, name: string, options?: CheckTargetOptions): Promise<TargetReport | undefined>;
}

/** Owns everything the extension creates and disposes it in one place. */
export class MLPipeExtension {
  static current: MLPipeExtension | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private client: LanguageClient | undefined;
  private readonly output = vscode.window.createOutputChannel('MLPipe', { log: true });
  private status: ValidationStatus | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    MLPipeExtension.current = this;
  }

  activate(): MLPipeApi {
    const started = performance.now();
    this.status = new ValidationStatus();
    this.disposables.push(
      this.output,
      this.status,
      vscode.commands.registerCommand('mlpipe.showOutput', () => this.output.show(true)),
      vscode.commands.registerCommand('mlpipe.restartLanguageServer', () => this.client?.restart()),
      vscode.commands.registerCommand('mlpipe.showPipelineModel', () => this.showPipelineModel()),
    );
    // The language client library takes longer to load than everything else here together: load it
    // after activate() has returned, so activation stays fast and the editor is never held up.
    const clientReady = import('./language-client.js').then(async ({ createLanguageClient }) => {
      const client = this.client = createLanguageClient(this.context, this.output);
      await client.start();
      this.disposables.push(...watchDataFiles(client), vscode.workspace.onDidGrantWorkspaceTrust(() => {
        void client.sendNotification(TrustChangedNotification, { trusted: true });
      }));
      this.output.info(`MLPipe language server ready ${(performance.now() - started).toFixed(0)} ms after activation started`);
      return client;
    });
    const ready = clientReady.then(() => undefined);
    ready.catch((e: unknown) => this.output.info(`MLPipe language server failed to start: ${String(e)}`));
    const feed = new PipelineModelFeed(clientReady, this.output);
    const canvas = new CanvasEditorProvider(this.context, feed, this.output).register();
    const pipelineModel = (uri: vscode.Uri) => feed.model(uri);
    const targets = new TargetChecks(pipelineModel, this.output);
    this.disposables.push(feed, canvas, targets.register());
    const activationMs = performance.now() - started;
    // One line a benchmark or test can read from the output channel's log file.
    this.output.info(`MLPipe activated in ${activationMs.toFixed(1)} ms`);
    return {
      ready,
      activationMs,
      statusText: () => this.status?.text ?? '',
      canvas: canvas.api,
      pipelineModel,
      checkTarget: (uri, name, options) => targets.check(uri, name, options),
    };
  }

  private async showPipelineModel(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.languageId !== 'mlpipe' || !this.client) return;
    const result = await this.client.sendRequest<PipelineModelResult>(PipelineModelRequest, { uri: editor.document.uri.toString() });
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(result.model, null, 2) });
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
  }

  async dispose(): Promise<void> {
    this.disposables.forEach((d) => d.dispose());
    await this.client?.stop();
    MLPipeExtension.current = undefined;
  }
}
