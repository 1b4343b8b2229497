import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../onnx/feeds.js';
import { OnnxModel } from '../onnx/session.js';
import { Batcher } from './batcher.js';
import { BodyError, parseBody } from './bodies.js';
import { ServerMetrics } from './prometheus.js';

const INVOCATIONS = '/invocations';

export interface ServeOptions {
  /** The ONNX file to serve. */
  artifact: string;
  model: string;
  version: number;
  digest: string;
  port?: number;
  host?: string;
  /** Most rows in one inference call (default 256). */
  maxBatch?: number;
  /** Largest request body, in bytes (default 16 MB). */
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A scoring server compatible with MLflow's: `POST /invocations` (MLflow's JSON bodies, answered with
 * `{"predictions": [...]}`), `GET /health` and `/ping`, and `GET /metrics` in Prometheus' format. Errors
 * are JSON `{"error_code": ..., "message": ...}` like MLflow's, with a message that says what is wrong.
 */
export async function serveModel(o: ServeOptions): Promise<RunningServer> {
  const model = await OnnxModel.load(o.artifact);
  const metrics = new ServerMetrics({ model: o.model, version: o.version, digest: o.digest });
  const batcher = new Batcher(model, o.maxBatch ?? 256, (rows) => metrics.batch(rows));
  const maxBody = o.maxBodyBytes ?? 16 << 20;

  const send = (res: ServerResponse, code: number, body: unknown, type = 'application/json') => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    // A flat header list: Node's fast path, no object to walk (same headers, same order as before).
    res.writeHead(code, ['content-type', type, 'content-length', String(Buffer.byteLength(text))]);
    res.end(text);
  };
  const error = (res: ServerResponse, code: number, errorCode: string, message: string) => send(res, code, { error_code: errorCode, message });
  const done = (path: string, started: number, code: number, rows: number) => metrics.request(path, code, (performance.now() - started) / 1e3, rows);

  // The scoring path is callbacks rather than async functions and promises: a few allocations and
  // microtask turns less per request, which at ~15k requests/s is a measurable share of the server's CPU.
  const score = (res: ServerResponse, started: number, text: string) => {
    let rows: number;
    try {
      const body = parseBody(text, model.inputs);
      if (!body.rows) throw new BodyError('the body has no rows to score');
      rows = body.rows;
      batcher.enqueue(model.feeds(body.columns, rows), rows, (e, predictions) => {
        if (e) return failed(res, started, e);
        try {
          // Same text as JSON.stringify({ predictions }), without the wrapping object.
          send(res, 200, `{"predictions":${JSON.stringify(predictions)}}`);
          done(INVOCATIONS, started, 200, rows);
        } catch (err) {
          failed(res, started, err as Error);
        }
      });
    } catch (e) {
      failed(res, started, e as Error);
    }
  };
  const failed = (res: ServerResponse, started: number, e: Error) => {
    if (e instanceof BodyError || e instanceof InputError) {
      error(res, 400, 'BAD_REQUEST', e.message);
      done(INVOCATIONS, started, 400, 0);
      return;
    }
    if (!res.headersSent) error(res, 500, 'INTERNAL_ERROR', `the model failed: ${e.message}`);
    done(INVOCATIONS, started, 500, 0);
  };

  const invocations = (req: IncomingMessage, res: ServerResponse, started: number) => {
    const type = req.headers['content-type'];
    // The exact header most clients send is compared first; the regex is for the rest.
    if (type && type !== 'application/json' && !/^application\/json\b/i.test(type)) {
      error(res, 415, 'UNSUPPORTED_MEDIA_TYPE', `send JSON with Content-Type: application/json (got '${type}'; with curl add -H 'Content-Type: application/json')`);
      done(INVOCATIONS, started, 415, 0);
      return;
    }
    readBody(req, maxBody, (e, text) => {
      if (e) {
        if (!res.headersSent) error(res, 500, 'INTERNAL_ERROR', e.message);
        done(INVOCATIONS, started, 500, 0);
      } else if (text === undefined) {
        error(res, 413, 'REQUEST_TOO_LARGE', `the body is larger than ${maxBody} bytes: send fewer rows per request`);
        done(INVOCATIONS, started, 413, 0);
      } else score(res, started, text);
    });
  };

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path === INVOCATIONS) {
      if (req.method !== 'POST') {
        error(res, 405, 'METHOD_NOT_ALLOWED', 'POST a JSON body to /invocations');
        done(path, started, 405, 0);
        return;
      }
      invocations(req, res, started);
      return;
    }
    if (req.method === 'GET' && (path === '/health' || path === '/ping')) {
      send(res, 200, { status: 'ok', model: o.model, version: o.version, digest: o.digest, inputs: model.inputs, outputs: model.signature.outputs });
      done(path, started, 200, 0);
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      send(res, 200, metrics.text(), 'text/plain; version=0.0.4');
      done(path, started, 200, 0);
      return;
    }
    error(res, 404, 'NOT_FOUND', `no ${path}: the server answers POST /invocations, GET /health, GET /metrics`);
    done(path, started, 404, 0);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8080, o.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.host && o.host !== '0.0.0.0' ? o.host : '127.0.0.1'}:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await model.release();
    },
  };
}

/**
 * The body as text, or undefined once it exceeds `limit` (the rest is drained, not buffered). A body that
 * came in one chunk (the usual small request) is decoded as it is, without a copy.
 */
function readBody(req: IncomingMessage, limit: number, then: (error: Error | undefined, text?: string) => void): void {
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let over = false;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > limit) over = true;
    else if (!first) first = c;
    else (more ??= [first]).push(c);
  });
  let settled = false;
  req.on('end', () => {
    if (!settled) then(undefined, over ? undefined : more ? Buffer.concat(more).toString('utf8') : first ? first.toString('utf8') : '');
    settled = true;
  });
  req.on('error', (e) => {
    if (!settled) then(e);
    settled = true;
  });
}
