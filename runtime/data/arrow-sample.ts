import type { DuckDBResultReader, DuckDBTypeId } from '@duckdb/node-api';
import { duckdb } from './duckdb-module.js';
import {
  Bool, DateDay, Float32, Float64, Int16, Int32, Int64, Int8, Table, TimestampMicrosecond, Uint16, Uint32, Uint8, Utf8,
  tableToIPC, vectorFromArray, type DataType, type Vector,
} from 'apache-arrow';
import type { DataEngine, QueryOptions } from './engine.js';
import { describeSource, fromClause, readGuarded, type ResolvedSource } from './sources.js';
import { Binder, ident } from './sql.js';
import { toPlain } from './values.js';

export interface SampleOptions extends QueryOptions {
  /** Rows in the sample (default 1,000, at most 100,000). */
  rows?: number;
  /** `reservoir`: uniform over the whole source (one scan); `head`: the first rows (cheap). Default reservoir. */
  mode?: 'reservoir' | 'head';
  columns?: string[];
  /** Seed of the reservoir, so a panel shows the same rows until the data changes. */
  seed?: number;
}

/** A sample of a source's rows as an Apache Arrow IPC stream, for the profile panel's table. */
export async function sampleArrow(engine: DataEngine, src: ResolvedSource, opts: SampleOptions = {}): Promise<Uint8Array> {
  const rows = Math.max(1, Math.min(100_000, Math.floor(opts.rows ?? 1000)));
  const seed = Math.floor(opts.seed ?? 42);
  const all = await describeSource(engine, src, opts);
  const cols = opts.columns?.length ? all.filter((c) => opts.columns!.includes(c.name)) : all;
  const b = new Binder();
  const select = cols.map((c) => ident(c.name)).join(', ') || '*';
  // Row counts and seeds are validated integers, the only values spliced into SQL here (DuckDB does not
  // take parameters in a SAMPLE clause).
  const sql = opts.mode === 'head'
    ? `SELECT ${select} FROM ${fromClause(src, b)} LIMIT ${rows}`
    : `SELECT ${select} FROM ${fromClause(src, b)} USING SAMPLE reservoir(${rows} ROWS) REPEATABLE (${seed})`;
  const reader = await readGuarded(engine, src, () => engine.reader(sql, b.params, opts), opts);
  return tableToIPC(arrowTable(reader), 'stream');
}

/** Builds an Arrow table column by column with types chosen from DuckDB's (not guessed from JS values). */
export function arrowTable(reader: DuckDBResultReader): Table {
  const names = reader.deduplicatedColumnNames();
  const columns = reader.getColumnsJS();
  const vectors: Record<string, Vector> = {};
  names.forEach((name, i) => {
    vectors[name] = toVector(columns[i], reader.columnTypeId(i));
  });
  return new Table(vectors);
}

function toVector(values: unknown[], typeId: DuckDBTypeId): Vector {
  const direct = (type: DataType) => vectorFromArray(values, type);
  const T = duckdb().DuckDBTypeId;
  switch (typeId) {
    case T.BOOLEAN: return direct(new Bool());
    case T.TINYINT: return direct(new Int8());
    case T.SMALLINT: return direct(new Int16());
    case T.INTEGER: return direct(new Int32());
    case T.UTINYINT: return direct(new Uint8());
    case T.USMALLINT: return direct(new Uint16());
    case T.UINTEGER: return direct(new Uint32());
    case T.BIGINT: return direct(new Int64());
    case T.FLOAT: return direct(new Float32());
    case T.DOUBLE: case T.DECIMAL: return vectorFromArray(values.map(toNumber), new Float64());
    case T.DATE: return direct(new DateDay());
    case T.TIMESTAMP: case T.TIMESTAMP_S: case T.TIMESTAMP_MS:
    case T.TIMESTAMP_NS: case T.TIMESTAMP_TZ:
      // Arrow's JS builders take epoch milliseconds and store microseconds, DuckDB's own precision.
      return vectorFromArray(values.map((v) => (v instanceof Date ? v.getTime() : null)), new TimestampMicrosecond());
    case T.VARCHAR: case T.ENUM: case T.UUID:
      return vectorFromArray(values.map((v) => (v === null || v === undefined ? null : String(v))), new Utf8());
    default:
      // Nested and exotic types travel as JSON text: the panel shows them, it does not compute on them.
      return vectorFromArray(values.map((v) => (v === null || v === undefined ? null : JSON.stringify(toPlain(v)))), new Utf8());
  }
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? v : Number(v);
}
