import * as vscode from 'vscode';
// Type-only: the client library loads after activation (see mlpipe-extension.ts).
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ApplyIntentsRequest, PipelineModelChangedNotification, PipelineModelRequest, SubscribePipelineModelNotification, UnsubscribePipelineModelNotification,
  type ApplyIntentsParams, type ApplyIntentsResult, type PipelineModelResult,
} from '../../language-server/lsp/protocol.js';

type Listener = (result: PipelineModelResult) => void;

/**
 * The canvas's line to the language server: models pushed after each build of a watched document,
 * and intents turned into edits. One notification handler fans out by URI; subscriptions are
 * counted on the server, and sent again after a server restart (a new server knows none).
 */
export class PipelineModelFeed implements vscode.Disposable {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly disposables: vscode.Disposable[] = [];

  private client: LanguageClient | undefined;
  private disposed = false;

  constructor(private readonly ready: Promise<LanguageClient>) {
    ready.then((client) => {
      if (this.disposed) return;
      this.client = client;
      this.disposables.push(
        client.onNotification(PipelineModelChangedNotification, (r: PipelineModelResult) => this.listeners.get(r.uri)?.forEach((l) => l(r))),
        client.onDidChangeState(() => {
          if (!client.isRunning()) return;
          for (const uri of this.listeners.keys()) void client.sendNotification(SubscribePipelineModelNotification, { uri });
        }),
      );
    }, () => undefined);
  }

  /** Calls `listener` with each new model of `uri` until the returned disposable is disposed. */
  watch(uri: vscode.Uri, listener: Listener): vscode.Disposable {
    const key = uri.toString();
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
      void this.ready.then((client) => client.sendNotification(SubscribePipelineModelNotification, { uri: key }));
    }
    set.add(listener);
    return new vscode.Disposable(() => {
      set.delete(listener);
      if (set.size || this.listeners.get(key) !== set) return;
      this.listeners.delete(key);
      if (this.client?.isRunning()) void this.client.sendNotification(UnsubscribePipelineModelNotification, { uri: key });
    });
  }

  async model(uri: vscode.Uri): Promise<PipelineModelResult> {
    const client = await this.ready;
    return client.sendRequest<PipelineModelResult>(PipelineModelRequest, { uri: uri.toString() });
  }

  async applyIntents(params: ApplyIntentsParams): Promise<ApplyIntentsResult> {
    const client = await this.ready;
    return client.sendRequest<ApplyIntentsResult>(ApplyIntentsRequest, params);
  }

  dispose(): void {
    this.disposed = true;
    this.disposables.forEach((d) => d.dispose());
  }
}
