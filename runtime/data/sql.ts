import type { DuckDBValue } from '@duckdb/node-api';

/**
 * SQL text is only ever built from our own fragments and quoted identifiers; every value from a file,
 * a .mlpipe document or the command line travels as a bound parameter through `Binder`.
 */

/** A column or table name as a DuckDB identifier: double quotes, embedded quotes doubled. */
export function ident(name: string): string {
  if (name.includes('\0')) throw new Error('identifier contains a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

export type Params = Record<string, DuckDBValue>;

/** Collects bound values for one statement and hands out their `$name` placeholders. */
export class Binder {
  readonly params: Params = {};
  private n = 0;

  bind(value: DuckDBValue): string {
    const name = `p${++this.n}`;
    this.params[name] = value;
    return `$${name}`;
  }
}
