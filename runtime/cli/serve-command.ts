import { parseArgs } from 'node:util';
import { RegistryError } from '../registry/registry.js';
import { serveModel } from '../serving/server.js';
import { positiveInt } from './data-cli.js';
import { resolveModelRef } from './model-ref.js';
import { UsageError, type Io } from './output.js';
import { workspaceFor } from './pipeline-cli.js';

/** `mlpipe serve MODEL@ALIAS [--port P] [--host H] [--max-batch N]`: serves until Ctrl+C / SIGTERM. */
export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { port: { type: 'string' }, host: { type: 'string' }, 'max-batch': { type: 'string' }, workspace: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('serve: usage: serve MODEL@ALIAS [--port P] [--host H]');
  let version;
  try {
    version = resolveModelRef(workspaceFor(values.workspace), positionals[0]);
  } catch (e) {
    if (e instanceof RegistryError) {
      io.err(`mlpipe: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const port = values.port === '0' ? 0 : positiveInt(values.port, 'port') ?? 8080;
  return serveUntilStopped(io, {
    artifact: version.artifact, model: version.model, version: version.version, digest: version.digest, port, host: values.host,
    maxBatch: positiveInt(values['max-batch'], 'max-batch'),
  });
}

/** Starts the server, prints where it listens (one line, parsed by tests and the extension), waits for a signal. */
export async function serveUntilStopped(io: Io, o: Parameters<typeof serveModel>[0]): Promise<number> {
  let server;
  try {
    server = await serveModel(o);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      io.err(`mlpipe: cannot listen on ${o.host ?? '127.0.0.1'}:${o.port}: ${code === 'EADDRINUSE' ? 'the port is in use (choose another with --port)' : 'permission denied'}`);
      return 2;
    }
    throw e;
  }
  io.out(`serving ${o.model} version ${o.version} at ${server.url} (POST /invocations, GET /health, GET /metrics)`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
