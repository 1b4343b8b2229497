import * as vscode from 'vscode';
// Type-only: the client library loads after activation (see mlpipe-extension.ts).
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ApplyIntentsRequest, PipelineDiagnosticsChangedNotification, PipelineModelChangedNotification, PipelineModelRequest, SubscribePipelineModelNotification, UnsubscribePipelineModelNotification,
  type ApplyIntentsParams, type ApplyIntentsResult, type PipelineDiagnosticsParams, type PipelineModelChangedParams, type PipelineModelPushParams, type PipelineModelResult,
} from '../../language-server/lsp/protocol.js';
import { ModelReceiver } from './model-receiver.js';

/** A model may come before its diagnostics (`diagnosticsPending`); they follow in `diagnostics`. */
export interface FeedListener {
  model(result: PipelineModelChangedParams): void;
  diagnostics(params: PipelineDiagnosticsParams): void;
}

/**
 * The canvas's line to the language server: models pushed after each build of a watched document,
 * and intents turned into edits. One notification handler fans out by URI; subscriptions are
 * counted on the server, and sent again after a server restart (a new server knows none).
 */
export class PipelineModelFeed implements vscode.Disposable {
  private readonly listeners = new Map<string, Set<FeedListener>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly received = new ModelReceiver();

  private client: LanguageClient | undefined;
  private disposed = false;

  constructor(private readonly ready: Promise<LanguageClient>, private readonly log: vscode.LogOutputChannel) {
    ready.then((client) => {
      if (this.disposed) return;
      this.client = client;
      this.disposables.push(
        client.onNotification(PipelineModelChangedNotification, (push: PipelineModelPushParams) => this.onPush(push)),
        client.onNotification(PipelineDiagnosticsChangedNotification, (p: PipelineDiagnosticsParams) => this.listeners.get(p.uri)?.forEach((l) => l.diagnostics(p))),
        client.onDidChangeState(() => {
          if (!client.isRunning()) return;
          this.received.clear();
          for (const uri of this.listeners.keys()) void client.sendNotification(SubscribePipelineModelNotification, { uri });
        }),
      );
    }, () => undefined);
  }

  private onPush(push: PipelineModelPushParams): void {
    const result = this.received.receive(push);
    if (!result) return void this.log.warn(`canvas: dropped a model patch of ${push.uri} without its base`);
    this.listeners.get(result.uri)?.forEach((l) => l.model(result));
  }

  /** Calls `listener` with each new model of `uri` (and late diagnostics) until the returned disposable is disposed. */
  watch(uri: vscode.Uri, listener: FeedListener): vscode.Disposable {
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
