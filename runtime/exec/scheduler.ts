import type { ExecGraph, ExecNode } from './graph.js';
import type { Targets } from './targets.js';

export type Outcome = 'done' | 'cached' | 'failed';

/**
 * Starts every node whose dependencies have finished, within the targets' slots, in the pipeline's
 * order where several are ready. Bookkeeping is per edge (a finished node decrements its dependents'
 * counters), so a run of N nodes costs O(N + edges), not O(N²). A failed node skips everything
 * downstream of it; cancelling skips everything not yet started; nodes already running finish (or are
 * cancelled by their own attempts).
 */
export class Scheduler {
  private readonly index = new Map<string, number>();
  private readonly unmet = new Map<string, number>();
  private readonly dependents = new Map<string, string[]>();
  private ready: string[] = [];
  private readonly settled = new Set<string>();
  private running = 0;

  constructor(
    private readonly graph: ExecGraph,
    selected: ReadonlySet<string>,
    private readonly targets: Targets,
    /**
     * Runs a node. `release` frees its slots before the node is done (idempotent; they are freed at the
     * end otherwise): a step whose process has exited and that will not be retried needs them no more
     * while its results are recorded, and the next ready step can start meanwhile.
     */
    private readonly execute: (e: ExecNode, release: () => void) => Promise<Outcome>,
    private readonly skip: (id: string, why: string) => void,
    private readonly signal: AbortSignal,
  ) {
    const ids = graph.order.filter((id) => selected.has(id));
    ids.forEach((id, i) => this.index.set(id, i));
    for (const id of ids) {
      const deps = graph.nodes.get(id)!.deps.filter((d) => selected.has(d));
      this.unmet.set(id, deps.length);
      for (const d of deps) {
        if (!this.dependents.has(d)) this.dependents.set(d, []);
        this.dependents.get(d)!.push(id);
      }
      if (!deps.length) this.ready.push(id);
    }
  }

  run(): Promise<void> {
    return new Promise<void>((resolve) => {
      const pump = () => {
        if (this.signal.aborted) {
          for (const [id] of this.unmet) if (!this.settled.has(id) && !this.started.has(id)) this.settleSkipped(id, 'run cancelled');
          this.ready = [];
        }
        // The first ready node (in file order) that fits; a big one waiting for slots does not block
        // smaller ones behind it.
        for (let i = 0; i < this.ready.length;) {
          const id = this.ready[i];
          const e = this.graph.nodes.get(id)!;
          if (!this.targets.acquire(e)) {
            i++;
            continue;
          }
          this.ready.splice(i, 1);
          this.started.add(id);
          this.running++;
          let held = true;
          const free = (): boolean => {
            if (held) this.targets.release(e);
            const was = held;
            held = false;
            return was;
          };
          // Called from inside the node's execution: start what now fits once this turn's work is done.
          const release = () => { if (free()) queueMicrotask(pump); };
          void this.execute(e, release).then((outcome) => {
            free();
            this.running--;
            this.finished(id, outcome);
            pump();
          });
        }
        if (this.running === 0) resolve();
      };
      this.signal.addEventListener('abort', pump, { once: true });
      pump();
    });
  }

  private readonly started = new Set<string>();

  private finished(id: string, outcome: Outcome): void {
    this.settled.add(id);
    if (outcome === 'failed') {
      this.skipDownstream(id, `upstream ${id} failed`);
      return;
    }
    for (const d of this.dependents.get(id) ?? []) {
      const left = this.unmet.get(d)! - 1;
      this.unmet.set(d, left);
      if (left === 0 && !this.settled.has(d)) this.insertReady(d);
    }
  }

  private skipDownstream(id: string, why: string): void {
    for (const d of this.dependents.get(id) ?? []) {
      if (this.settled.has(d)) continue;
      this.settleSkipped(d, why);
      this.skipDownstream(d, `upstream ${d} was skipped`);
    }
  }

  private settleSkipped(id: string, why: string): void {
    if (this.settled.has(id)) return;
    this.settled.add(id);
    this.ready = this.ready.filter((r) => r !== id);
    this.skip(id, why);
  }

  private insertReady(id: string): void {
    const at = this.index.get(id)!;
    let i = this.ready.length;
    while (i > 0 && this.index.get(this.ready[i - 1])! > at) i--;
    this.ready.splice(i, 0, id);
  }
}
