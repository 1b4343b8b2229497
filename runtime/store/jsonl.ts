import { appendFileSync, closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureDir } from './workspace.js';

/**
 * JSON lines, the store's only mutable format. Writers append whole lines with one write(2) on a file
 * opened O_APPEND, so concurrent writers (two runs, a run and a step's SDK) never interleave inside a line
 * on a local file system, and a `kill -9` can at worst leave the last line cut short. Readers skip lines
 * that do not parse (that torn last line) instead of failing.
 */
export function appendJsonLine(path: string, value: unknown): void {
  ensureDir(dirname(path));
  appendFileSync(path, `${JSON.stringify(value)}\n`);
}

/** A file kept open for many appends (a run's event log): one syscall per line, no open/close each time. */
export class JsonlWriter {
  private fd: number | undefined;

  constructor(readonly path: string) {
    ensureDir(dirname(path));
    this.fd = openSync(path, 'a');
  }

  write(value: unknown): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(value)}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface JsonlRead<T> {
  values: T[];
  /** Lines that did not parse: normally 0, or 1 after a crash in the middle of a write. */
  skipped: number;
}

export function readJsonl<T>(path: string): JsonlRead<T> {
  if (!existsSync(path)) return { values: [], skipped: 0 };
  return parseJsonl<T>(readFileSync(path, 'utf8'));
}

export function parseJsonl<T>(text: string): JsonlRead<T> {
  const values: T[] = [];
  let skipped = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) {
      try {
        values.push(JSON.parse(text.slice(start, end)) as T);
      } catch {
        skipped++;
      }
    }
    start = end + 1;
  }
  return { values, skipped };
}
