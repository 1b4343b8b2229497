import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RegistryError } from '../registry/registry.js';
import { scoreFile } from '../scoring/score.js';
import { withEngine } from './data-cli.js';
import { resolveModelRef } from './model-ref.js';
import { UsageError, type Io } from './output.js';
import { workspaceFor } from './pipeline-cli.js';

/** `mlpipe score MODEL@ALIAS DATA --out F.parquet`. */
export async function scoreCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { out: { type: 'string' }, column: { type: 'string' }, json: { type: 'boolean', default: false }, workspace: { type: 'string' } },
  });
  if (positionals.length !== 2 || !values.out) throw new UsageError('score: usage: score MODEL@ALIAS DATA --out F.parquet');
  const ws = workspaceFor(values.workspace);
  let version;
  try {
    version = resolveModelRef(ws, positionals[0]);
  } catch (e) {
    if (e instanceof RegistryError) {
      io.err(`mlpipe: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const out = resolve(values.out);
  const started = performance.now();
  return withEngine([positionals[1], dirname(out) + '/x'], io, async (engine) => {
    const r = await scoreFile(engine, { model: version.artifact, data: positionals[1], out, baseDir: process.cwd(), column: values.column });
    const ms = Math.round(performance.now() - started);
    if (values.json) io.out(JSON.stringify({ model: version.model, version: version.version, rows: r.rows, out, elapsed_ms: ms }));
    else io.out(`scored ${r.rows.toLocaleString('en-US')} rows with ${version.model} version ${version.version} → ${out} (${ms} ms)`);
    return 0;
  });
}
