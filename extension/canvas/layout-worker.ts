// The canvas's layout thread (a worker_threads worker, bundled to dist/canvas-layout-worker.cjs): ELK
// runs here so that laying out a big pipeline neither blocks the extension host nor waits for the
// webview. Messages in: LayoutRequest; out: LayoutReply (extension/canvas/layout-service.ts).
import { parentPort } from 'node:worker_threads';
import { layoutGraph } from '../../webviews/canvas/layout/elk-layout.js';
import { warmUpLayout } from '../../webviews/canvas/layout/warm-up.js';
import type { LayoutReply, LayoutRequest } from './layout-service.js';

const port = parentPort;
if (!port) throw new Error('canvas-layout-worker runs as a worker thread');

let requests = 0;
port.on('message', (request: LayoutRequest) => {
  requests++;
  layoutGraph(request.graph).then(
    (positions) => port.postMessage({ id: request.id, positions } satisfies LayoutReply),
    (e: unknown) => port.postMessage({ id: request.id, error: e instanceof Error ? e.message : String(e) } satisfies LayoutReply),
  );
});

// ELK's first layouts run cold code (about twice as slow): warm it on a small graph until the first
// real request arrives, one short round at a time (a request waits at most one round).
void warmUpLayout(() => requests > 0);
