import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const WILD = /[*?[]/;

/**
 * Files matching an absolute path or glob (`*`, `?`, `[abc]` within a name, `**` across folders), sorted.
 * The same matching DuckDB's glob() does for sources, done in Node so that fingerprinting data for a cache
 * key needs no database.
 */
export function expandGlob(pattern: string): string[] {
  if (!WILD.test(pattern)) {
    try {
      return statSync(pattern).isFile() ? [pattern] : [];
    } catch {
      return [];
    }
  }
  const parts = pattern.split(sep);
  const firstWild = parts.findIndex((p) => WILD.test(p));
  const base = parts.slice(0, firstWild).join(sep) || sep;
  const out: string[] = [];
  walk(base, parts.slice(firstWild), out);
  return out.sort();
}

function walk(dir: string, rest: string[], out: string[]): void {
  if (!rest.length) return;
  const [head, ...tail] = rest;
  let entries: { name: string; dir: boolean; file: boolean }[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory(), file: e.isFile() }));
  } catch {
    return;
  }
  if (head === '**') {
    // `**` matches zero or more folders.
    walk(dir, tail, out);
    for (const e of entries) if (e.dir && !e.name.startsWith('.')) walk(join(dir, e.name), rest, out);
    return;
  }
  const re = segmentRegex(head);
  for (const e of entries) {
    if (!re.test(e.name)) continue;
    const p = join(dir, e.name);
    if (!tail.length) {
      if (e.file) out.push(p);
    } else if (e.dir) {
      walk(p, tail, out);
    }
  }
}

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = seg.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
