import { cpus } from 'node:os';
import { isAbsolute, relative } from 'node:path';
import { DataEngine } from '../../runtime/data/engine.js';

/**
 * One sandboxed DuckDB per workspace folder, opened on first use and only while the workspace is
 * trusted: in Restricted Mode no query runs at all (data is code's input; SQL in a .mlpipe file is
 * code from the workspace).
 */
export class WorkspaceData {
  private readonly engines = new Map<string, Promise<DataEngine>>();
  private trustedNow: boolean;

  constructor(private readonly roots: string[], trusted: boolean) {
    this.trustedNow = trusted;
  }

  get trusted(): boolean {
    return this.trustedNow;
  }

  /** Trust revoked closes every engine; granted lets the next check open them. */
  async setTrusted(trusted: boolean): Promise<void> {
    this.trustedNow = trusted;
    if (!trusted) await this.close();
  }

  setRoots(roots: string[]): void {
    this.roots.splice(0, this.roots.length, ...roots);
  }

  /** The engine for the workspace folder holding `file`, or undefined (untrusted, or outside every folder). */
  engineFor(file: string): Promise<DataEngine> | undefined {
    if (!this.trustedNow) return undefined;
    const root = this.roots.filter((r) => isInside(file, r)).sort((a, b) => b.length - a.length)[0];
    if (!root) return undefined;
    let engine = this.engines.get(root);
    if (!engine) {
      // Background checks share the machine with the editor: two threads, a modest memory cap.
      engine = DataEngine.open({ roots: [root], threads: Math.min(2, cpus().length), memoryLimit: '512MB' });
      this.engines.set(root, engine);
      engine.catch(() => this.engines.delete(root));
    }
    return engine;
  }

  async close(): Promise<void> {
    const engines = [...this.engines.values()];
    this.engines.clear();
    await Promise.all(engines.map(async (e) => (await e.catch(() => undefined))?.close()));
  }
}

function isInside(file: string, root: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
