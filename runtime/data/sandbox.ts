import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdb } from './duckdb-module.js';
import { isAbsolute, resolve, sep } from 'node:path';

/**
 * SQL in a .mlpipe file is code from the workspace, so DuckDB runs confined to it. The order matters:
 * the allowed directories first (they are only honoured once external access is off), then external
 * access off, then the configuration locked so no later statement can undo either.
 */
export async function applySandbox(conn: DuckDBConnection, roots: readonly string[]): Promise<void> {
  await conn.run('SET allowed_directories = $1', [duckdb().listValue(roots.map(directoryPrefix))]);
  await conn.run('SET enable_external_access = false');
  await conn.run('SET lock_configuration = true');
}

/** DuckDB matches allowed directories as path prefixes: end each with a separator so /ws does not admit /ws2. */
function directoryPrefix(root: string): string {
  return root.endsWith(sep) ? root : root + sep;
}

/** Absolute, normalised roots; relative roots would silently depend on the process's working directory. */
export function normaliseRoots(roots: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of roots) {
    if (!r || r.includes('\0')) throw new Error(`invalid data root: ${JSON.stringify(r)}`);
    out.add(resolve(r));
  }
  if (!out.size) throw new Error('the data engine needs at least one root directory (the workspace)');
  return [...out];
}

/** Whether `file` lies inside one of `roots` (used to fail early with a clear message before DuckDB refuses). */
export function insideRoots(file: string, roots: readonly string[]): boolean {
  const f = resolve(file);
  return isAbsolute(f) && roots.some((r) => f === r || f.startsWith(directoryPrefix(r)));
}
