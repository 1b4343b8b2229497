import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';

let loaded: typeof DuckDB | undefined;

/**
 * `@duckdb/node-api`, loaded on first use: requiring it loads DuckDB's native library (a quarter of a
 * second, more on a busy machine), which commands and runs that never query data should not pay for.
 * Values (listValue, DuckDBInstance, DuckDBTypeId) come from here; types may still be imported directly.
 */
export function duckdb(): typeof DuckDB {
  return (loaded ??= createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDB);
}
