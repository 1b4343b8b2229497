import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';
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
 * The key components of each node's last successful execution (or cache hit), per pipeline file, so the
 * next run can say *why* a node reruns. One JSON-lines file per pipeline, appended when a node's key
 * changes (a line per finished node, never a rewrite: a run killed half-way keeps what its finished nodes
 * recorded, and a cached rerun writes nothing). Read once per run, last line per node wins; compacted
 * when it has grown to several times the number of nodes.
 */
export class NodeState {
  private readonly file: string;
  private readonly known = new Map<string, NodeRecord>();
  private fd: number | undefined;

  constructor(ws: Workspace, pipelineFile: string) {
    this.file = join(storePaths(ws).state, 'nodes', `${sha256(relative(ws.root, pipelineFile)).slice(0, 16)}.jsonl`);
    let lines = 0;
    try {
      const { values } = parseJsonl<NodeRecord & { node: string }>(readFileSync(this.file, 'utf8'));
      lines = values.length;
      for (const v of values) this.known.set(v.node, { key: v.key, components: v.components, run: v.run });
    } catch {
      // No state yet.
    }
    if (lines > 4 * this.known.size + 100) {
      writeFileAtomic(this.file, [...this.known].map(([node, r]) => `${JSON.stringify({ node, ...r })}\n`).join(''));
    }
  }

  get(node: string): NodeRecord | undefined {
    return this.known.get(node);
  }

  set(node: string, record: NodeRecord): void {
    if (this.known.get(node)?.key === record.key) return;
    this.known.set(node, record);
    if (this.fd === undefined) {
      ensureDir(dirname(this.file));
      this.fd = openSync(this.file, 'a');
    }
    writeSync(this.fd, `${JSON.stringify({ node, ...record })}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
