import { stat } from 'node:fs/promises';

export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

export async function stampOf(path: string): Promise<FileStamp> {
  const s = await stat(path);
  return { path, size: s.size, mtimeMs: s.mtimeMs };
}

/** Cache key of a set of files: unchanged path + size + mtime means unchanged data (no hashing of contents). */
export function fingerprint(files: readonly FileStamp[]): string {
  return files.map((f) => `${f.path}\u0000${f.size}\u0000${f.mtimeMs}`).join('\u0001');
}

/** A small least-recently-used map; results are cheap to recompute, so a bound matters more than hit rate. */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max = 500) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}
