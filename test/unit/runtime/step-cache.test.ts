import { expect, test } from 'vitest';
import { StepCache, type CacheManifest } from '../../../runtime/store/cache.js';
import { tempWorkspace } from './helpers.js';

// Two StepCache objects on one store stand for two runs appending to the same index at once.

const manifest = (key: string, run: string): CacheManifest => ({
  key, node: 'n', kind: 'shell', outputs: {}, metrics: {}, run, attempt: 1, finishedAt: 0, durationMs: 0,
});
const t = tempWorkspace('mlpipe-step-cache-');
const own = tempWorkspace('mlpipe-step-cache-long-');

test.each([['ours first', false], ['theirs first', true]])('the last line appended for a key wins, whoever wrote it (%s)', async (_, theirsFirst) => {
  // Keys of their own per case: both cases share the store.
  const key = (c: string) => `${theirsFirst ? '1' : '2'}${c.repeat(63)}`;
  const ours = new StepCache(t.ws);
  const theirs = new StepCache(t.ws);
  try {
    if (theirsFirst) await theirs.commit(undefined, manifest(key('a'), 'theirs'));
    await ours.commit(undefined, manifest(key('a'), 'ours'));
    if (!theirsFirst) await theirs.commit(undefined, manifest(key('a'), 'theirs'));
    await ours.commit(undefined, manifest(key('b'), 'ours'));
    // A miss reads what was appended since: both runs' lines, in order.
    expect(ours.lookup(key('c'))).toBeUndefined();
    expect(ours.lookup(key('a'))?.manifest.run).toBe(theirsFirst ? 'ours' : 'theirs');
    expect(ours.lookup(key('b'))?.manifest).toEqual(manifest(key('b'), 'ours'));
    expect(theirs.lookup(key('b'))?.manifest.run).toBe('ours');
  } finally {
    ours.close();
    theirs.close();
  }
});

test('an index longer than one read, with characters of several bytes, is read whole', async () => {
  const writer = new StepCache(own.ws);
  const reader = new StepCache(own.ws);
  try {
    // About 600 KB of lines made mostly of 3-byte characters: reads of any size end inside characters.
    const manifests = Array.from({ length: 300 }, (_, i) => ({ ...manifest(`3${String(i).padStart(63, '0')}`, 'r'), node: '€'.repeat(600 + i) }));
    for (const m of manifests) await writer.commit(undefined, m);
    for (const m of manifests) expect(reader.lookup(m.key)?.manifest).toEqual(m);
  } finally {
    writer.close();
    reader.close();
  }
});
