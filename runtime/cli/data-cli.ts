import { dirname, resolve } from 'node:path';
import { DataEngine } from '../data/engine.js';
import { DataError } from '../data/errors.js';
import { UsageError, type Io } from './output.js';

/**
 * The data commands' common frame: a sandboxed engine rooted at the working directory plus the folders
 * the user named on the command line (naming a path is consent to read it), and the exit-code contract:
 * data errors (missing file, malformed row, refused path) print one line to stderr and exit 2.
 */
export async function withEngine(paths: string[], io: Io, run: (engine: DataEngine) => Promise<number>): Promise<number> {
  const roots = [process.cwd(), ...paths.map(rootOf)];
  let engine: DataEngine | undefined;
  try {
    engine = await DataEngine.open({
      roots,
      threads: envInt('MLPIPE_DUCKDB_THREADS'),
      memoryLimit: process.env.MLPIPE_DUCKDB_MEMORY ?? '1200MB',
    });
    return await run(engine);
  } catch (e) {
    if (e instanceof DataError) {
      io.err(`mlpipe: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    engine?.close();
  }
}

/** The folder a path or glob lives in: everything before the first wildcard. */
function rootOf(path: string): string {
  const abs = resolve(path);
  const wild = abs.search(/[*?[]/);
  return wild < 0 ? dirname(abs) : dirname(abs.slice(0, wild) + 'x');
}

function envInt(name: string): number | undefined {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

export function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a positive whole number, got '${value}'`);
  return Number(value);
}
