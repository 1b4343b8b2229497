import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { canonicalJson, hashValue, sha256 } from '../../../runtime/store/hashing.js';

// Cache keys are hashes of canonical JSON: any change in either text breaks every cache entry (or, worse,
// makes different definitions collide). The fast paths must give exactly what the plain definitions give.

/** The plain definition: JSON.stringify with every object's keys sorted. */
function reference(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** A deterministic generator (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['b', 'a', 'z', '10', '2', 'ä', 'A', '', '__proto__x', 'kind', 'v', '01', '-1', '1.5', '4294967294', '4294967295', '0', '😀', 'é'];

function value(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 6 : 10));
  switch (pick) {
    case 0: return null;
    case 1: return Math.floor(r() * 1000) - 500;
    case 2: return r();
    case 3: return ['x', "it's", 'ü\n"', ''][Math.floor(r() * 4)];
    case 4: return r() < 0.5;
    case 5: return [undefined, NaN, Infinity][Math.floor(r() * 3)];
    case 6: case 7: return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 4); i > 0; i--) o[KEYS[Math.floor(r() * KEYS.length)]] = value(r, depth + 1);
      return o;
    }
  }
}

describe('canonical JSON and hashes', () => {
  test('the same text as sorting every object, on thousands of generated values', () => {
    const r = random(42);
    for (let i = 0; i < 5000; i++) {
      const v = value(r, 0);
      expect(canonicalJson(v)).toBe(reference(v));
    }
  });

  test('objects with their own JSON form, inherited keys, one-key objects inside lists', () => {
    class Stamp { constructor(readonly b = 1, readonly a = 2) {} toJSON() { return { z: this.b, y: this.a }; } }
    const inherited = Object.create({ hidden: 1 }) as Record<string, unknown>;
    inherited.only = { d: 1, c: 2 };
    for (const v of [new Stamp(), [new Stamp()], { toJSON: () => ({ b: 1, a: 2 }) }, [{ w: { toJSON: () => ({ d: 1, c: 2 }) } }], { x: new Date(0) }, inherited, [{ b: 1 }, { a: [{ d: 1, c: 2 }] }], new Map([[1, 2]]), { one: { b: 1, a: 2 } },
      // Boxed primitives, typed arrays, functions and symbols in objects and lists, a toJSON that uses its key.
      { s: new String('ab'), n: new Number(3), t: new Uint8Array([3, 1]) }, [() => 1, Symbol('s'), undefined], { f: () => 1, y: Symbol('y'), u: undefined, k: 1 },
      { p: { toJSON: (k: string) => ({ key: k, b: 1, a: 2 }) } }, [{ toJSON: (k: string) => k }]]) {
      expect(canonicalJson(v)).toBe(reference(v));
    }
  });

  test('sha256 of text and bytes as createHash gives it; a key hash is pinned', () => {
    for (const data of ['', 'abc', 'ü'.repeat(1000), Buffer.from([0, 1, 2, 255]), new Uint8Array([9, 8, 7])]) {
      expect(sha256(data)).toBe(createHash('sha256').update(data).digest('hex'));
    }
    // A key's shape: changing what this hashes to invalidates every workspace's cache.
    expect(hashValue({ v: 1, definition: { kind: 'a1b2', command: 'c3d4' }, params: {}, code: {}, inputs: { s1: 'ff' }, env: {} }))
      .toBe(createHash('sha256').update('{"code":{},"definition":{"command":"c3d4","kind":"a1b2"},"env":{},"inputs":{"s1":"ff"},"params":{},"v":1}').digest('hex'));
  });
});
