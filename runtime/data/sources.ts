import { duckdb } from './duckdb-module.js';
import { open } from 'node:fs/promises';
import { extname, isAbsolute, resolve } from 'node:path';
import type { ColumnInfo } from './column-types.js';
import type { DataEngine, QueryOptions } from './engine.js';
import { DataError, fromDuckError } from './errors.js';
import { fingerprint, LruCache, stampOf, type FileStamp } from './fingerprint.js';
import { insideRoots } from './sandbox.js';
import { Binder } from './sql.js';
import { num } from './values.js';

export type SourceFormat = 'csv' | 'tsv' | 'parquet' | 'json' | 'ndjson';

export interface SourceSpec {
  /** As written: relative to `baseDir` (the .mlpipe file's folder) or absolute; may be a glob. */
  path: string;
  baseDir: string;
  format?: SourceFormat;
  /** For messages; defaults to the path. */
  name?: string;
}

/** A source whose files have been found and stamped; reading it reads exactly these files. */
export interface ResolvedSource {
  name: string;
  /** The path as written, for messages. */
  display: string;
  /** Absolute path or glob. */
  pattern: string;
  format: SourceFormat;
  files: FileStamp[];
  /** path + size + mtime of every file: the cache key of anything computed from this data. */
  fingerprint: string;
}

const GLOB_CHARS = /[*?[]/;

export function formatOf(path: string, declared?: SourceFormat): SourceFormat {
  if (declared) return declared;
  const p = path.toLowerCase().replace(/\.(gz|zst)$/, '');
  switch (extname(p)) {
    case '.tsv': case '.tab': return 'tsv';
    case '.parquet': case '.pq': return 'parquet';
    case '.json': return 'json';
    case '.ndjson': case '.jsonl': return 'ndjson';
    default: return 'csv';
  }
}

/**
 * Finds the files of a source (through DuckDB's own glob, so the match is the one DuckDB would read and
 * the sandbox applies) and stamps them. Empty files are left out: DuckDB cannot sniff them, and an empty
 * file among many is no reason to fail. Errors name the path as the user wrote it.
 */
export async function resolveSource(engine: DataEngine, spec: SourceSpec, opts: QueryOptions = {}): Promise<ResolvedSource> {
  const pattern = isAbsolute(spec.path) ? spec.path : resolve(spec.baseDir, spec.path);
  const display = spec.path;
  const name = spec.name ?? display;
  if (!insideRoots(pattern, engine.roots)) {
    throw new DataError(`${display}: outside the workspace (${engine.roots[0]}); the sandbox refuses to read it`, 'permission', { file: pattern });
  }
  let paths: string[];
  if (GLOB_CHARS.test(pattern)) {
    const b = new Binder();
    const rows = await engine.rows(`SELECT file FROM glob(${b.bind(pattern)}) ORDER BY file`, b.params, opts)
      .catch((e: unknown) => { throw fromDuckError(e, pattern); });
    paths = rows.map((r) => String(r.file));
  } else {
    paths = [pattern];
  }
  const stamps: FileStamp[] = [];
  for (const p of paths) {
    try {
      stamps.push(await stampOf(p));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new DataError(`${display}: ${(e as Error).message}`, 'query-error', { file: p });
    }
  }
  if (!stamps.length) throw new DataError(`no such file: ${display}`, 'missing-file', { file: pattern });
  const files = stamps.filter((s) => s.size > 0);
  if (!files.length) throw new DataError(`${display}: the file is empty (no header, no rows)`, 'empty-file', { file: stamps[0].path });
  return { name, display, pattern, format: formatOf(pattern, spec.format), files, fingerprint: fingerprint(files) };
}

/** The table-function call that reads a source, for a FROM clause; file paths are bound, not spliced. */
export function fromClause(src: ResolvedSource, b: Binder): string {
  const files = b.bind(duckdb().listValue(src.files.map((f) => f.path)));
  switch (src.format) {
    // The delimiter is fixed by the extension so that a row with an extra field is an error with a line
    // number instead of a sniffer that settles on "no delimiter" and returns one wide column.
    case 'csv': return `read_csv(${files}, delim = ',', header = true, skip = 0)`;
    case 'tsv': return `read_csv(${files}, delim = '\t', header = true, skip = 0)`;
    case 'parquet': return `read_parquet(${files})`;
    case 'json': return `read_json(${files})`;
    case 'ndjson': return `read_json(${files}, format = 'newline_delimited')`;
  }
}

const describeCache = new WeakMap<DataEngine, LruCache<ColumnInfo[]>>();

/** Column names and types (a sniff or a Parquet footer read, not a scan); cached by fingerprint. */
export async function describeSource(engine: DataEngine, src: ResolvedSource, opts: QueryOptions = {}): Promise<ColumnInfo[]> {
  let cache = describeCache.get(engine);
  if (!cache) describeCache.set(engine, cache = new LruCache(200));
  const hit = cache.get(src.fingerprint);
  if (hit) return hit;
  const b = new Binder();
  const rows = await readGuarded(engine, src, () => engine.rows(`DESCRIBE SELECT * FROM ${fromClause(src, b)}`, b.params, opts), opts);
  const cols = rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  cache.set(src.fingerprint, cols);
  return cols;
}

/**
 * Runs a query that reads `src` and turns read failures into errors with a file and line. When DuckDB's
 * CSV sniffer gives up without naming a line, one more scan with `store_rejects` finds the first bad row.
 */
export async function readGuarded<T>(engine: DataEngine, src: ResolvedSource, run: () => Promise<T>, opts: QueryOptions = {}): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const err = fromDuckError(e, src.files.length === 1 ? src.files[0].path : src.pattern);
    if (err.code === 'cancelled' || err.detail.line !== undefined) throw err;
    if (src.format !== 'csv' && src.format !== 'tsv') throw err;
    throw (await firstRejectedRow(engine, src, opts)) ?? err;
  }
}

async function firstRejectedRow(engine: DataEngine, src: ResolvedSource, opts: QueryOptions): Promise<DataError | undefined> {
  return engine.session(async (s) => {
    const errors = s.temp('rejects');
    const scans = s.temp('reject_scans');
    const b = new Binder();
    const files = b.bind(duckdb().listValue(src.files.map((f) => f.path)));
    const delim = src.format === 'tsv' ? '\t' : ',';
    try {
      await s.run(`SELECT count(*) FROM read_csv(${files}, delim = '${delim}', header = true, skip = 0, store_rejects = true,
        rejects_table = '${errors.slice(1, -1)}', rejects_scan = '${scans.slice(1, -1)}')`, b.params);
    } catch {
      return undefined;
    }
    const rows = await s.rows(`SELECT e.line, e.error_message, e.csv_line, sc.file_path
      FROM ${errors} e JOIN ${scans} sc USING (scan_id, file_id) ORDER BY sc.file_path, e.line LIMIT 1`);
    if (!rows.length) return undefined;
    const r = rows[0];
    const file = String(r.file_path);
    const line = Number(r.line);
    return new DataError(`${file}:${line}: ${String(r.error_message)} (row: ${String(r.csv_line).slice(0, 120)})`, 'malformed-file', { file, line });
  }, opts).catch(() => undefined);
}

/** Rows in Parquet footers, or a guess from the first 64 KB of each text file: for sizing work, not for results. */
export async function estimateRows(engine: DataEngine, src: ResolvedSource, opts: QueryOptions): Promise<number> {
  if (src.format === 'parquet') {
    const rows = await engine.rows('SELECT sum(num_rows) AS n FROM parquet_file_metadata($files)',
      { files: duckdb().listValue(src.files.map((f) => f.path)) }, opts).catch(() => []);
    return num(rows[0]?.n) ?? 0;
  }
  let total = 0;
  for (const f of src.files) {
    const fh = await open(f.path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(65536, f.size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const lines = buf.subarray(0, bytesRead).reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
      total += lines ? Math.round((f.size * lines) / bytesRead) : 1;
    } finally {
      await fh.close();
    }
  }
  return total;
}
