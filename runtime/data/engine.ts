import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader } from '@duckdb/node-api';
import { duckdb } from './duckdb-module.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, DataError, fromDuckError } from './errors.js';
import { applySandbox, normaliseRoots } from './sandbox.js';
import type { Params } from './sql.js';
import { toPlain, type Plain } from './values.js';

export interface EngineOptions {
  /** The workspace folder(s) and declared data roots: the only directories queries may touch. */
  roots: readonly string[];
  /** Untrusted workspace: the engine opens no database and refuses every query. */
  untrusted?: boolean;
  /** DuckDB worker threads (default: the machine's cores, at most 4). */
  threads?: number;
  /** DuckDB memory limit, e.g. '1GB' (default '1GB'); above it DuckDB spills to a private temp folder. */
  memoryLimit?: string;
  /** Queries that may run at once; more wait in line (default 2). */
  maxConcurrent?: number;
}

export interface QueryOptions {
  /** Aborting interrupts the running query (DuckDB's interrupt) or drops it from the queue. */
  signal?: AbortSignal;
}

export type Row = Record<string, Plain>;

/** One connection held for several statements that share temp tables. */
export interface Session {
  run(sql: string, params?: Params): Promise<void>;
  rows(sql: string, params?: Params): Promise<Row[]>;
  /** The raw reader, for callers that need DuckDB's types (Arrow export, typed columns). */
  reader(sql: string, params?: Params): Promise<DuckDBResultReader>;
  /** A fresh quoted name for a temp table; the session drops it when it ends. */
  temp(prefix: string): string;
}

/**
 * The connection manager of one workspace: one sandboxed in-memory DuckDB, a small pool of connections,
 * bounded threads and memory, and cancellation through AbortSignal. Everything in runtime/data goes
 * through it; nothing else opens DuckDB.
 */
export class DataEngine {
  private idle: DuckDBConnection[] = [];
  private open = 0;
  private waiting: { resolve: (c: DuckDBConnection) => void; reject: (e: Error) => void; signal?: AbortSignal }[] = [];
  private closed = false;
  /** Connections running a session right now: close() interrupts them and waits for them to come back. */
  private readonly busy = new Set<DuckDBConnection>();

  private constructor(
    private readonly instance: DuckDBInstance | undefined,
    readonly roots: readonly string[],
    readonly untrusted: boolean,
    private readonly maxConcurrent: number,
    private readonly tempDir: string | undefined,
  ) {}

  static async open(options: EngineOptions): Promise<DataEngine> {
    const roots = normaliseRoots(options.roots);
    const maxConcurrent = Math.max(1, options.maxConcurrent ?? 2);
    if (options.untrusted) return new DataEngine(undefined, roots, true, maxConcurrent, undefined);
    // Spill files go to a private folder inside the sandbox, so big joins degrade instead of failing.
    const tempDir = mkdtempSync(join(tmpdir(), 'mlpipe-duckdb-'));
    removeAtExit(tempDir);
    const threads = options.threads ?? Math.max(1, Math.min(4, cpus().length));
    const instance = await duckdb().DuckDBInstance.create(':memory:', {
      threads: String(threads),
      memory_limit: options.memoryLimit ?? '1GB',
      temp_directory: tempDir,
      autoinstall_known_extensions: 'false',
      // Group-bys on integer keys with a range up to 2^20 (entity ids, bin numbers) use a perfect hash
      // table instead of a general one: 3× faster for the per-entity aggregate of the point-in-time join.
      perfect_ht_threshold: '20',
    });
    const engine = new DataEngine(instance, [...roots, tempDir], false, maxConcurrent, tempDir);
    const setup = await instance.connect();
    try {
      await applySandbox(setup, engine.roots);
    } catch (e) {
      setup.closeSync();
      engine.close();
      throw e;
    }
    engine.idle.push(setup);
    engine.open = 1;
    return engine;
  }

  /** Rows as plain JSON-friendly objects (bigint → number, Date → ISO string). */
  async rows(sql: string, params?: Params, opts: QueryOptions = {}): Promise<Row[]> {
    return this.session((s) => s.rows(sql, params), opts);
  }

  async reader(sql: string, params?: Params, opts: QueryOptions = {}): Promise<DuckDBResultReader> {
    return this.session((s) => s.reader(sql, params), opts);
  }

  /** Runs `fn` on one connection; temp tables it creates live until it returns and are dropped with it. */
  async session<T>(fn: (s: Session) => Promise<T>, opts: QueryOptions = {}): Promise<T> {
    const conn = await this.acquire(opts.signal);
    const temps: string[] = [];
    const exec = async (sql: string, params?: Params): Promise<DuckDBResultReader> => {
      if (opts.signal?.aborted) throw new CancelledError();
      // DuckDB clears the interrupt flag when a query begins, so an abort that lands just before the worker
      // starts would be lost: keep interrupting until the query settles.
      let repeat: ReturnType<typeof setInterval> | undefined;
      const onAbort = () => {
        conn.interrupt();
        repeat = setInterval(() => conn.interrupt(), 20);
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        if (!process.env.MLPIPE_DEBUG_SQL) return await conn.runAndReadAll(sql, params);
        // MLPIPE_DEBUG_SQL=1 prints every statement and its time: the quickest way to see what a check runs.
        const started = performance.now();
        const result = await conn.runAndReadAll(sql, params);
        console.error(`-- ${Math.round(performance.now() - started)} ms\n${sql}`);
        return result;
      } catch (e) {
        throw opts.signal?.aborted ? new CancelledError() : fromDuckError(e);
      } finally {
        clearInterval(repeat);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    };
    const session: Session = {
      run: async (sql, params) => { await exec(sql, params); },
      rows: async (sql, params) => rowsOf(await exec(sql, params)),
      reader: exec,
      temp: (prefix) => {
        const name = `"__mlpipe_${prefix.replace(/\W/g, '_')}_${++tempCounter}"`;
        temps.push(name);
        return name;
      },
    };
    try {
      return await fn(session);
    } finally {
      // Best effort: a failed drop must not hide the error that ended the session.
      for (const t of temps) await conn.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
      this.release(conn);
    }
  }

  /**
   * Stops everything: queued queries fail, running ones are interrupted, and the database closes when the
   * last of them has returned its connection (closing it under a running query would crash the process).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting) w.reject(new DataError('the data engine was closed', 'cancelled'));
    this.waiting = [];
    for (const c of this.idle) c.closeSync();
    this.idle = [];
    // Repeated, like an abort: an interrupt that lands just before a query starts is otherwise lost.
    const interruptAll = () => { for (const c of this.busy) c.interrupt(); };
    interruptAll();
    this.closing = setInterval(interruptAll, 20);
    this.closing.unref();
    this.finishClose();
  }

  private closing: ReturnType<typeof setInterval> | undefined;

  private finishClose(): void {
    if (this.busy.size) return;
    clearInterval(this.closing);
    this.instance?.closeSync();
    if (this.tempDir) {
      rmSync(this.tempDir, { recursive: true, force: true });
      tempDirs.delete(this.tempDir);
    }
  }

  /** Throws the 'untrusted' error; for entry points that would otherwise turn it into per-item problems. */
  assertTrusted(): void {
    if (this.untrusted || !this.instance) throw new DataError('data queries are disabled in an untrusted workspace', 'untrusted');
  }

  private async acquire(signal?: AbortSignal): Promise<DuckDBConnection> {
    this.assertTrusted();
    if (!this.instance) throw new DataError('data queries are disabled in an untrusted workspace', 'untrusted');
    if (this.closed) throw new DataError('the data engine was closed', 'cancelled');
    if (signal?.aborted) throw new CancelledError();
    const ready = this.idle.pop();
    if (ready) return this.mark(ready);
    if (this.open < this.maxConcurrent) {
      this.open++;
      try {
        return this.mark(await this.instance.connect());
      } catch (e) {
        this.open--;
        throw fromDuckError(e);
      }
    }
    return new Promise<DuckDBConnection>((resolve, reject) => {
      const entry = { resolve, reject, signal };
      this.waiting.push(entry);
      signal?.addEventListener('abort', () => {
        this.waiting = this.waiting.filter((w) => w !== entry);
        reject(new CancelledError());
      }, { once: true });
    });
  }

  private mark(conn: DuckDBConnection): DuckDBConnection {
    this.busy.add(conn);
    return conn;
  }

  private release(conn: DuckDBConnection): void {
    if (this.closed) {
      this.busy.delete(conn);
      conn.closeSync();
      this.finishClose();
      return;
    }
    const next = this.waiting.shift();
    // Handed straight to the next waiter, the connection stays busy.
    if (next) next.resolve(conn);
    else {
      this.busy.delete(conn);
      this.idle.push(conn);
    }
  }
}

let tempCounter = 0;

/** Spill folders of engines still open when the process exits (a crash, a forgotten close()) go too. */
const tempDirs = new Set<string>();
let exitHook = false;
function removeAtExit(dir: string): void {
  if (!exitHook) process.once('exit', () => { for (const d of tempDirs) rmSync(d, { recursive: true, force: true }); });
  exitHook = true;
  tempDirs.add(dir);
}

/** Rows of a reader as plain JSON-friendly objects. */
export function rowsOf(reader: DuckDBResultReader): Row[] {
  return reader.getRowObjectsJS().map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) out[k] = toPlain(v);
    return out;
  });
}
