import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/**
 * A minimal ustar writer for what the remote side extracts in one `tar -x`: regular files (streamed from
 * disk or given as bytes), hard links and symbolic links. Long names and link targets go into pax extended headers,
 * which GNU tar, bsdtar and busybox tar all read.
 */
export type TarEntry =
  | { type: 'file'; name: string; size: number; mode?: number; source: string | Buffer }
  | { type: 'symlink'; name: string; target: string }
  /** A hard link to a path earlier in the archive or already under the extraction folder. */
  | { type: 'hardlink'; name: string; target: string };

const BLOCK = 512;

function header(name: string, size: number, type: string, mode: number, linkname = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  h.write('0000000\0', 108, 'latin1'); // uid
  h.write('0000000\0', 116, 'latin1'); // gid
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  h.write('        ', 148, 'latin1'); // checksum placeholder
  h.write(type, 156, 'latin1');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function* headersFor(name: string, size: number, type: string, mode: number, linkname = ''): Generator<Buffer> {
  const longName = Buffer.byteLength(name) > 99;
  const longLink = Buffer.byteLength(linkname) > 99;
  if (longName || longLink) {
    const pax = Buffer.from((longName ? paxRecord('path', name) : '') + (longLink ? paxRecord('linkpath', linkname) : ''));
    yield header('PaxHeader', pax.length, 'x', 0o644);
    yield pax;
    yield padding(pax.length);
  }
  yield header(longName ? name.slice(0, 99) : name, size, type, mode, longLink ? '' : linkname);
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

async function* stream(entries: Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for (const e of entries) {
    if (e.type === 'symlink' || e.type === 'hardlink') {
      yield* headersFor(e.name, 0, e.type === 'symlink' ? '2' : '1', e.type === 'symlink' ? 0o777 : 0o644, e.target);
      continue;
    }
    yield* headersFor(e.name, e.size, '0', e.mode ?? 0o644);
    let written = 0;
    if (Buffer.isBuffer(e.source)) {
      yield e.source;
      written = e.source.length;
    } else {
      for await (const chunk of createReadStream(e.source, { end: e.size - 1, highWaterMark: 1 << 20 })) {
        const b = chunk as Buffer;
        written += b.length;
        yield b;
      }
    }
    // A file that shrank while we read it would corrupt the archive: fail loudly instead.
    if (written !== e.size) throw new Error(`${Buffer.isBuffer(e.source) ? e.name : e.source} changed size while it was uploaded`);
    yield padding(e.size);
  }
  yield Buffer.alloc(BLOCK * 2);
}

export function tarStream(entries: Iterable<TarEntry>): Readable {
  return Readable.from(stream(entries));
}
