import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../onnx/feeds.js';
import { OnnxModel } from '../onnx/session.js';
import { Batcher } from './batcher.js';
import { BodyError, parseBody } from './bodies.js';
import { ServerMetrics } from './prometheus.js';

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
    res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const error = (res: ServerResponse, code: number, errorCode: string, message: string) => send(res, code, { error_code: errorCode, message });

  const invocations = async (req: IncomingMessage, res: ServerResponse): Promise<[number, number]> => {
    const type = req.headers['content-type'];
    if (type && !/^application\/json\b/i.test(type)) {
      error(res, 415, 'UNSUPPORTED_MEDIA_TYPE', `send JSON with Content-Type: application/json (got '${type}'; with curl add -H 'Content-Type: application/json')`);
      return [415, 0];
    }
    const text = await readBody(req, maxBody);
    if (text === undefined) {
      error(res, 413, 'REQUEST_TOO_LARGE', `the body is larger than ${maxBody} bytes: send fewer rows per request`);
      return [413, 0];
    }
    try {
      const body = parseBody(text, model.inputs);
      if (!body.rows) throw new BodyError('the body has no rows to score');
      const feeds = model.feeds(body.columns, body.rows);
      const predictions = await batcher.submit(feeds, body.rows);
      send(res, 200, { predictions });
      return [200, body.rows];
    } catch (e) {
      if (e instanceof BodyError || e instanceof InputError) {
        error(res, 400, 'BAD_REQUEST', e.message);
        return [400, 0];
      }
      error(res, 500, 'INTERNAL_ERROR', `the model failed: ${(e as Error).message}`);
      return [500, 0];
    }
  };

  const server: Server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    const done = ([code, rows]: [number, number]) => metrics.request(path, code, Number(process.hrtime.bigint() - started) / 1e9, rows);
    if (path === '/invocations') {
      if (req.method !== 'POST') {
        error(res, 405, 'METHOD_NOT_ALLOWED', 'POST a JSON body to /invocations');
        done([405, 0]);
        return;
      }
      invocations(req, res).then(done, (e: unknown) => {
        if (!res.headersSent) error(res, 500, 'INTERNAL_ERROR', String((e as Error).message));
        done([500, 0]);
      });
      return;
    }
    if (req.method === 'GET' && (path === '/health' || path === '/ping')) {
      send(res, 200, { status: 'ok', model: o.model, version: o.version, digest: o.digest, inputs: model.inputs, outputs: model.signature.outputs });
      done([200, 0]);
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      send(res, 200, metrics.text(), 'text/plain; version=0.0.4');
      done([200, 0]);
      return;
    }
    error(res, 404, 'NOT_FOUND', `no ${path}: the server answers POST /invocations, GET /health, GET /metrics`);
    done([404, 0]);
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

/** The body as text, or undefined once it exceeds `limit` (the rest is drained, not buffered). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
