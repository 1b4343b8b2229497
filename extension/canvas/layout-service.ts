/**
 * Lays canvas graphs out with ELK in a worker thread (layout-worker.ts), for every canvas of the
 * extension. Without a vscode import: tested with the real worker in vitest.
 *
 * Why in the host: the host has the pipeline's model before the webview has even loaded its script,
 * so the layout runs while the webview boots and arrives with the first graph; the webview bundle
 * does not carry ELK (1.6 MB of compiled Java) at all. Why a worker: a 500-node layout takes several
 * hundred milliseconds of CPU, which would block every extension sharing the host.
 */
import { Worker } from 'node:worker_threads';
import { placeNewNodes } from '../../webviews/canvas/layout/place-new.js';
import type { CanvasGraph, Positions } from '../../webviews/canvas/protocol.js';

export type LayoutInput = Pick<CanvasGraph, 'nodes' | 'edges'>;
export interface LayoutRequest { id: number; graph: LayoutInput }
export type LayoutReply = { id: number; positions: Positions } | { id: number; error: string };

/** The worker as the service uses it: a factory in tests may build it from elsewhere. */
export type WorkerFactory = () => Worker;

/** Layouts kept for reuse: the graph a canvas opened with, and again for Auto-layout or a second canvas. */
const CACHED = 4;
/** A worker with nothing to do is stopped after this long (its ELK heap is tens of MB). */
const IDLE_MS = 5 * 60_000;

export class LayoutService {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (p: Positions) => void; reject: (e: Error) => void }>();
  /** By layout key, most recently used last. */
  private readonly cache = new Map<string, Promise<Positions>>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly createWorker: WorkerFactory, private readonly idleMs = IDLE_MS) {}

  /** Whether the worker thread is up (it stops when idle). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Starts the worker (ELK loads and warms up) ahead of the first layout. */
  prepare(): void {
    if (this.disposed) return;
    try {
      this.ensureWorker();
    } catch {
      // The first layout tries again and reports the error.
    }
  }

  /** The graph's positions; the same structure (ids, sizes, edges) is laid out once. */
  layout(graph: LayoutInput): Promise<Positions> {
    if (this.disposed) return Promise.reject(new Error('layout service disposed'));
    const key = layoutKey(graph);
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const result = this.request(graph);
    this.cache.set(key, result);
    result.catch(() => this.cache.get(key) === result && this.cache.delete(key));
    while (this.cache.size > CACHED) this.cache.delete(this.cache.keys().next().value!);
    return result;
  }

  /**
   * ELK's positions if it has them within `patienceMs`; else each node placed right of its inputs
   * (`late`), readable at once. ELK goes on either way, and its result is kept for the next layout of
   * the same graph (Auto-layout). Some shapes take it tens of seconds: a source that every step of a
   * long chain reads gets a dummy node per layer per edge.
   */
  async layoutWithin(graph: LayoutInput, patienceMs: number): Promise<{ positions: Positions; late: boolean }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const impatient = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), patienceMs);
    });
    try {
      const positions = await Promise.race([this.layout(graph), impatient]);
      return positions ? { positions, late: false } : { positions: placeNewNodes(graph, {}), late: true };
    } finally {
      clearTimeout(timer);
    }
  }

  private request(graph: LayoutInput): Promise<Positions> {
    let worker: Worker;
    try {
      worker = this.ensureWorker();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    return new Promise<Positions>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Only what ELK reads: ids, output counts (node heights) and edges, not properties or problems.
      const slim: LayoutInput = {
        nodes: graph.nodes.map((n) => ({ ...n, props: [], problems: [] })),
        edges: graph.edges,
      };
      worker.postMessage({ id, graph: slim } satisfies LayoutRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    this.worker = worker;
    worker.on('message', (reply: LayoutReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(new Error(reply.error));
      else waiter.resolve(reply.positions);
      if (!this.pending.size) this.scheduleIdleStop();
    });
    const fail = (e: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const w of this.pending.values()) w.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`layout worker exited (${code})`)));
    // The extension host never waits for this thread to end.
    worker.unref();
    this.scheduleIdleStop();
    return worker;
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.size || !this.worker) return;
      const worker = this.worker;
      this.worker = undefined;
      void worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref?.();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    for (const w of this.pending.values()) w.reject(new Error('layout service disposed'));
    this.pending.clear();
    void worker?.terminate();
  }
}

/** What the layout depends on: node ids and heights (output counts) in order, and the edges in order. */
export function layoutKey(graph: LayoutInput): string {
  return JSON.stringify([graph.nodes.map((n) => [n.id, n.outputs.length]), graph.edges.map((e) => [e.from, e.to])]);
}
