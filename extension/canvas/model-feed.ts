// Types only: the feed is unit-tested without VS Code, with a client faked at the protocol boundary.
import type * as vscode from 'vscode';
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
  /** Documents the server has been told to push (or would have been, while it was not running). */
  private readonly subscribed = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly received = new ModelReceiver();

  private disposed = false;

  constructor(private readonly ready: Promise<LanguageClient>, private readonly log: vscode.LogOutputChannel) {
    ready.then((client) => {
      if (this.disposed) return;
      this.disposables.push(
        client.onNotification(PipelineModelChangedNotification, (push: PipelineModelPushParams) => this.onPush(push)),
        client.onNotification(PipelineDiagnosticsChangedNotification, (p: PipelineDiagnosticsParams) => this.listeners.get(p.uri)?.forEach((l) => l.diagnostics(p))),
        client.onDidChangeState(() => {
          if (!client.isRunning()) return;
          this.received.clear();
          // A new server knows no subscriptions.
          this.subscribed.clear();
          for (const uri of this.listeners.keys()) this.reconcile(client, uri);
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
      void this.ready.then((client) => this.reconcile(client, key));
    }
    set.add(listener);
    return {
      dispose: () => {
        set.delete(listener);
        if (set.size || this.listeners.get(key) !== set) return;
        this.listeners.delete(key);
        void this.ready.then((client) => this.reconcile(client, key));
      },
    };
  }

  /**
   * Tells the server whether `uri` is watched now, if that changed since it was last told. Watching and
   * unwatching both go through here, after the client is ready and in the order they happened: a
   * canvas opened and closed at once sends nothing, rather than an unsubscribe that overtakes its
   * subscribe and leaves the server pushing models nobody reads.
   */
  private reconcile(client: LanguageClient, uri: string): void {
    const watched = this.listeners.has(uri);
    if (watched === this.subscribed.has(uri) || this.disposed) return;
    if (watched) this.subscribed.add(uri);
    else this.subscribed.delete(uri);
    // Not running: the restart handler subscribes again to what is watched then.
    if (client.isRunning()) void client.sendNotification(watched ? SubscribePipelineModelNotification : UnsubscribePipelineModelNotification, { uri });
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
