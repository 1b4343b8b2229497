import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';
import type { KeyComponents } from '../store/cache.js';
import { sha256 } from '../store/hashing.js';
import { storePaths, type Workspace } from '../store/workspace.js';

export interface NodeRecord {
  key: string;
  components: KeyComponents;
  run: string;
}

/**
 * The key components of each node's last successful execution (or cache hit), per pipeline file, so the
 * next run can say *why* a node reruns. One small file per node, replaced atomically when the node
 * finishes: a run killed half-way keeps what its finished nodes recorded.
 */
export class NodeState {
  private readonly dir: string;
  private readonly known = new Map<string, NodeRecord | null>();

  constructor(ws: Workspace, pipelineFile: string) {
    this.dir = join(storePaths(ws).state, 'nodes', sha256(relative(ws.root, pipelineFile)).slice(0, 16));
  }

  private file(node: string): string {
    return join(this.dir, `${encodeURIComponent(node)}.json`);
  }

  get(node: string): NodeRecord | undefined {
    if (!this.known.has(node)) {
      try {
        this.known.set(node, JSON.parse(readFileSync(this.file(node), 'utf8')) as NodeRecord);
      } catch {
        this.known.set(node, null);
      }
    }
    return this.known.get(node) ?? undefined;
  }

  set(node: string, record: NodeRecord): void {
    if (this.get(node)?.key === record.key) return;
    this.known.set(node, record);
    writeFileAtomic(this.file(node), JSON.stringify(record));
  }
}
