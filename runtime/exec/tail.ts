import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

/**
 * One read buffer for every tail: reads are synchronous and their bytes are decoded before the next read,
 * so tails never use it at the same time. A megabyte per tail (three per step) made a DAG of short steps
 * allocate gigabytes of external memory, and V8 answered with full garbage collections.
 */
let shared: Buffer | undefined;
const readBuffer = (): Buffer => (shared ??= Buffer.allocUnsafe(1 << 20));

/**
 * Follows a file another process appends to (a step's stdout, its SDK's metric sink) and hands over whole
 * lines. Reads are synchronous and incremental (from the last offset), so polling costs one fstat when
 * nothing was written. Bytes after the last newline wait for the next poll, or for `finish()`.
 */
export class FileTail {
  private fd: number | undefined;
  private offset = 0;
  private partial = '';

  constructor(readonly path: string, private readonly onLines: (lines: string[]) => void, startOffset = 0) {
    this.offset = startOffset;
  }

  /** Bytes consumed so far: where a reattaching reader resumes. */
  get position(): number {
    return this.offset - Buffer.byteLength(this.partial);
  }

  poll(): void {
    if (this.fd === undefined) {
      // A stat is cheaper than an open that fails or a file opened for nothing: most steps write no
      // metrics and many print nothing.
      const st = statSync(this.path, { throwIfNoEntry: false });
      if (!st || st.size <= this.offset) return;
      try {
        this.fd = openSync(this.path, 'r');
      } catch {
        return;
      }
    }
    const size = fstatSync(this.fd).size;
    if (size <= this.offset) return;
    let text = this.partial;
    const buf = readBuffer();
    while (this.offset < size) {
      const n = readSync(this.fd, buf, 0, Math.min(buf.length, size - this.offset), this.offset);
      if (n <= 0) break;
      this.offset += n;
      text += buf.toString('utf8', 0, n);
    }
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      this.partial = text;
      return;
    }
    this.partial = text.slice(cut + 1);
    const lines = text.slice(0, cut).split('\n');
    this.onLines(lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)));
  }

  /** Reads what is left, including a last line without a newline, and closes the file. */
  finish(): void {
    this.poll();
    if (this.partial) this.onLines([this.partial]);
    this.partial = '';
    this.close();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
