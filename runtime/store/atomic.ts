import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureDir } from './workspace.js';

let counter = 0;

/**
 * Replaces a file so that readers see the old or the new content, never half of it: write a sibling
 * temp file, then rename over the target (atomic on POSIX file systems). `durable` also fsyncs first, for
 * files whose loss after a power cut would matter (registry versions); caches skip it.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, durable = false): void {
  ensureDir(dirname(path));
  const tmp = `${path}.${process.pid}.${++counter}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
