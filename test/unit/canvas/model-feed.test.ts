import type { LanguageClient } from 'vscode-languageclient/node';
import type * as vscode from 'vscode';
import { describe, expect, test } from 'vitest';
import { PipelineModelFeed } from '../../../extension/canvas/model-feed.js';
import { SubscribePipelineModelNotification, UnsubscribePipelineModelNotification } from '../../../language-server/lsp/protocol.js';

/**
 * The language client faked at the protocol boundary: it records the notifications the feed sends and
 * counts subscriptions the way the server does (language-server/lsp/custom-requests.ts: an unsubscribe
 * of a document not subscribed is forgotten, so one that overtakes its subscribe leaves it subscribed).
 */
function fakeClient() {
  const sent: [string, string][] = [];
  const subscribers = new Map<string, number>();
  let running = true;
  let onState: (() => void) | undefined;
  const client = {
    isRunning: () => running,
    onNotification: () => ({ dispose: () => undefined }),
    onDidChangeState: (f: () => void) => {
      onState = f;
      return { dispose: () => undefined };
    },
    sendNotification: (method: string, p: { uri: string }) => {
      sent.push([method === SubscribePipelineModelNotification ? 'subscribe' : method === UnsubscribePipelineModelNotification ? 'unsubscribe' : method, p.uri]);
      const n = (subscribers.get(p.uri) ?? 0) + (method === SubscribePipelineModelNotification ? 1 : -1);
      if (n > 0) subscribers.set(p.uri, n);
      else subscribers.delete(p.uri);
      return Promise.resolve();
    },
  };
  return {
    // The parts of LanguageClient the feed uses.
    client: client as unknown as LanguageClient,
    sent,
    subscribers,
    restart: () => {
      subscribers.clear();
      onState!();
    },
    stop: () => { running = false; },
    start: () => { running = true; },
  };
}

const log = { warn: () => undefined } as unknown as vscode.LogOutputChannel;
const uri = (path: string) => ({ toString: () => `file://${path}` }) as vscode.Uri;
const listener = { model: () => undefined, diagnostics: () => undefined };
/** Lets the feed's `ready.then` callbacks run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the canvas\'s model feed subscribes the server to exactly the watched documents', () => {
  test('a canvas opened and closed in the same moment leaves the server unsubscribed', async () => {
    const f = fakeClient();
    const feed = new PipelineModelFeed(Promise.resolve(f.client), log);
    feed.watch(uri('/a.mlpipe'), listener).dispose();
    await settle();
    expect(f.subscribers.size).toBe(0);
    expect(f.sent).toEqual([]);
  });

  test('one subscription per document however many canvases watch it, dropped with the last', async () => {
    const f = fakeClient();
    const feed = new PipelineModelFeed(Promise.resolve(f.client), log);
    const one = feed.watch(uri('/a.mlpipe'), listener);
    const two = feed.watch(uri('/a.mlpipe'), { ...listener });
    await settle();
    expect(f.sent).toEqual([['subscribe', 'file:///a.mlpipe']]);
    one.dispose();
    await settle();
    expect(f.subscribers.get('file:///a.mlpipe')).toBe(1);
    two.dispose();
    await settle();
    expect(f.sent.at(-1)).toEqual(['unsubscribe', 'file:///a.mlpipe']);
    expect(f.subscribers.size).toBe(0);
  });

  test('after a server restart the watched documents are subscribed again; one closed while it was down is not', async () => {
    const f = fakeClient();
    const feed = new PipelineModelFeed(Promise.resolve(f.client), log);
    feed.watch(uri('/a.mlpipe'), listener);
    const b = feed.watch(uri('/b.mlpipe'), listener);
    await settle();
    f.stop();
    b.dispose();
    await settle();
    f.start();
    f.restart();
    expect([...f.subscribers.keys()]).toEqual(['file:///a.mlpipe']);
  });
});
