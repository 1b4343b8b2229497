import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';
import { entriesOf } from '../store/fs-queries.js';
import type { KeyComponents } from '../store/cache.js';
import { sha256 } from '../store/hashing.js';
import { parseJsonl } from '../store/jsonl.js';
import { ensureDir, storePaths, type Workspace } from '../store/workspace.js';

export interface NodeRecord {
  key: string;
  components: KeyComponents;
  run: string;
}

/**
 * A line of the file. The components are stored as JSON text inside the line (`c`), parsed only when a
 * node's reasons are asked for: a cached rerun reads every line but needs only the keys, and parsing a
 * thousand lines of nested components (each line's `inputs` with its own keys, so a new object shape per
 * line for V8) was 20–40 ms of it. A line still parses as a whole or not at all, so a torn last line is
 * skipped as before. Lines written before this format carry `components` as an object.
 */
interface Line {
  node: string;
  key: string;
  run: string;
  c?: string;
  components?: KeyComponents;
}

interface Known {
  key: string;
  run: string;
  /** Parsed, or still the JSON text. */
  components: KeyComponents | string;
}

/**
 * The key components of each node's last successful execution (or cache hit), per pipeline file, so the
 * next run can say *why* a node reruns. One JSON-lines file per pipeline, appended when a node's key
 * changes (a line per finished node, never a rewrite: a run killed half-way keeps what its finished nodes
 * recorded, and a cached rerun writes nothing). Read once per run, last line per node wins; compacted
 * when it has grown to several times the number of nodes.
 */
export class NodeState {
  private readonly file: string;
  private readonly known = new Map<string, Known>();
  private fd: number | undefined;

  constructor(ws: Workspace, pipelineFile: string) {
    this.file = join(storePaths(ws).state, 'nodes', `${sha256(relative(ws.root, pipelineFile)).slice(0, 16)}.jsonl`);
    let lines = 0;
    try {
      const { values } = parseJsonl<Line>(readFileSync(this.file, 'utf8'));
      lines = values.length;
      for (const v of values) {
        const components = v.c ?? v.components;
        if (typeof v?.node === 'string' && typeof v.key === 'string' && components) this.known.set(v.node, { key: v.key, run: v.run, components });
      }
    } catch {
      // No state yet.
    }
    if (lines > 4 * this.known.size + 100) {
      writeFileAtomic(this.file, [...this.known].map(([node, r]) => lineOf(node, r)).join(''));
    }
  }

  get(node: string): NodeRecord | undefined {
    const k = this.known.get(node);
    if (!k) return undefined;
    if (typeof k.components === 'string') k.components = JSON.parse(k.components) as KeyComponents;
    return { key: k.key, components: k.components, run: k.run };
  }

  set(node: string, record: NodeRecord): void {
    if (this.known.get(node)?.key === record.key) return;
    this.known.set(node, record);
    if (this.fd === undefined) {
      ensureDir(dirname(this.file));
      this.fd = openSync(this.file, 'a');
    }
    writeSync(this.fd, lineOf(node, record));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The key of every node's last success, over all pipeline files of the workspace (what reruns reuse). */
export function latestKeys(ws: Workspace): Set<string> {
  const dir = join(storePaths(ws).state, 'nodes');
  const keys = new Set<string>();
  for (const f of entriesOf(dir).filter((n) => n.endsWith('.jsonl'))) {
    const last = new Map<string, string>();
    for (const v of parseJsonl<Line>(readFileSync(join(dir, f), 'utf8')).values) {
      if (typeof v?.node === 'string' && typeof v.key === 'string') last.set(v.node, v.key);
    }
    for (const k of last.values()) keys.add(k);
  }
  return keys;
}

function lineOf(node: string, r: Known): string {
  const c = typeof r.components === 'string' ? r.components : JSON.stringify(r.components);
  return `${JSON.stringify({ node, key: r.key, run: r.run, c } satisfies Line)}\n`;
}
