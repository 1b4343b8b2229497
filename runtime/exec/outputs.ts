import type { CacheEntry } from '../store/cache.js';
import type { OutputInfo } from './events.js';

/** A cache entry's outputs as the event stream reports them: absolute path, digest, size. */
export function outputsOf(entry: CacheEntry): Record<string, OutputInfo> {
  const out: Record<string, OutputInfo> = {};
  for (const [name, o] of Object.entries(entry.manifest.outputs)) out[name] = { path: entry.output(name), digest: o.digest, bytes: o.bytes };
  return out;
}
