import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { isFile } from '../store/fs-queries.js';

/**
 * The local modules a step's code imports, followed from module to module: a step's result depends on
 * its helper modules as much as on its script, so they go into its cache key with it (`code` in
 * keys.ts). Python (`import a.b`, `from .c import d`, also in a notebook's code cells) and JavaScript or
 * TypeScript (`import ... from './x.js'`, `import('./x')`, `require('../y')`). Only files that exist
 * under the search roots count: packages installed elsewhere stay out (docs/runtime.md, Limits).
 * Returns absolute paths, without the starting files, in a stable order.
 */
export function localImports(files: readonly string[], baseDir: string): string[] {
  const seen = new Set(files);
  const found: string[] = [];
  const queue = [...files];
  while (queue.length && found.length < MAX_FILES) {
    const file = queue.shift()!;
    for (const dep of importsOf(file, baseDir)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      found.push(dep);
      queue.push(dep);
    }
  }
  return found.sort();
}

/** A step importing more local files than this is hashed on the first ones (a vendored tree, say). */
const MAX_FILES = 500;

const PYTHON = /^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([\w, \t]+)|import[ \t]+([\w., \t]+))/gm;
const JS = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"\n]+)['"]/g;
const JS_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/** Scanned per file and remembered by size and mtime: a run asks for the same helpers again per step. */
const memo = new Map<string, { stamp: string; imports: string[] }>();

function importsOf(file: string, baseDir: string): string[] {
  let stamp: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) return [];
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch {
    return [];
  }
  const key = `${baseDir}\0${file}`;
  const known = memo.get(key);
  if (known?.stamp === stamp) return known.imports;
  const ext = extname(file);
  let imports: string[] = [];
  try {
    if (ext === '.py') imports = pythonImports(readFileSync(file, 'utf8'), file, baseDir);
    else if (ext === '.ipynb') imports = pythonImports(notebookCode(readFileSync(file, 'utf8')), file, baseDir);
    else if (JS_EXTENSIONS.includes(ext)) imports = jsImports(readFileSync(file, 'utf8'), file);
  } catch {
    // Unreadable or not text: its own digest still counts.
  }
  memo.set(key, { stamp, imports });
  return imports;
}

/** Python resolves absolute imports from the script's folder (sys.path[0]); the pipeline's folder too. */
function pythonImports(text: string, file: string, baseDir: string): string[] {
  const roots = [...new Set([dirname(file), baseDir])];
  const out: string[] = [];
  for (const m of text.matchAll(PYTHON)) {
    if (m[4] !== undefined) {
      // import a.b, c as d
      for (const part of m[4].split(',')) {
        const name = part.trim().split(/[ \t]+as[ \t]+/)[0];
        if (name) out.push(...modulesAt(roots, name.split('.')));
      }
      continue;
    }
    const dots = m[1].length;
    const path = m[2] ? m[2].split('.') : [];
    const names = m[3].split(',').map((n) => n.trim().split(/[ \t]+as[ \t]+/)[0]).filter(Boolean);
    // from .x import y: relative to this module's package; from x import y: from the roots.
    const bases = dots ? [resolve(dirname(file), ...Array<string>(dots - 1).fill('..'))] : roots;
    if (path.length) out.push(...modulesAt(bases, path));
    // The imported names may be submodules (from pkg import mod).
    for (const n of names) out.push(...modulesAt(bases, [...path, n]));
  }
  return out;
}

/** `a/b.py` or the package `a/b/__init__.py` under the first root that has it, and the packages above. */
function modulesAt(roots: readonly string[], parts: readonly string[]): string[] {
  if (!parts.length || parts.some((p) => !p)) return [];
  for (const root of roots) {
    const asModule = join(root, ...parts) + '.py';
    const asPackage = join(root, ...parts, '__init__.py');
    const hit = isFile(asModule) ? asModule : isFile(asPackage) ? asPackage : undefined;
    if (!hit) continue;
    const inits: string[] = [];
    for (let i = 1; i < parts.length; i++) {
      const init = join(root, ...parts.slice(0, i), '__init__.py');
      if (isFile(init)) inits.push(init);
    }
    return [...inits, hit];
  }
  return [];
}

function notebookCode(text: string): string {
  const nb = JSON.parse(text) as { cells?: { cell_type?: string; source?: string | string[] }[] };
  return (nb.cells ?? []).filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source ?? '')).join('\n');
}

/** Relative specifiers, resolved as Node and bundlers do: the file, with an extension, or its index. */
function jsImports(text: string, file: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(JS)) {
    const target = resolve(dirname(file), m[1]);
    const candidates = [target, ...JS_EXTENSIONS.map((e) => target + e), ...JS_EXTENSIONS.map((e) => join(target, `index${e}`))];
    // TypeScript sources import their .js names.
    if (/\.[cm]?js$/.test(target)) candidates.push(target.replace(/\.([cm]?)js$/, '.$1ts'));
    const hit = candidates.find(isFile);
    if (hit) out.push(hit);
  }
  return out;
}
