import { diffGraph, isEmptyPatch } from '../../webviews/canvas/graph-patch.js';
import type { CanvasGraph, HostToCanvas, Positions } from '../../webviews/canvas/protocol.js';

type SyntaxError = { message: string; line: number } | undefined;

/**
 * Turns each graph for one webview into its message: the whole graph the first time after the
 * webview's `ready`, then only what changed since the last one sent (webviews/canvas/graph-patch.ts).
 * After a gesture on 200 nodes that is one node instead of about 80 kB, which the extension host,
 * the workbench and two iframes each copy before the canvas can redraw.
 */
export class DocumentSender {
  private sent: { version: number; graph: CanvasGraph | null } | undefined;

  /** The webview (re)started: it has no graph. */
  reset(): void {
    this.sent = undefined;
  }

  /**
   * The message for `graph`; the caller must post it (the next patch builds on it), unless it is
   * undefined: nothing to tell. A graph with the host's `layout` of it goes whole: it is the first
   * one, or Auto-layout moves every node anyway.
   */
  message(version: number, graph: CanvasGraph | null, syntaxError: SyntaxError, layout?: Positions): HostToCanvas | undefined {
    const before = this.sent;
    this.sent = { version, graph };
    const error = syntaxError ? { syntaxError } : {};
    if (!before?.graph || !graph || layout) return { type: 'document', version, graph, ...error, ...(layout ? { layout } : {}) };
    const patch = diffGraph(before.graph, graph);
    // The same version again with nothing changed (a gesture's predicted model, then the document's
    // own): the webview has it already.
    if (before.version === version && isEmptyPatch(patch) && !syntaxError) return undefined;
    return { type: 'documentPatch', version, base: before.version, patch, ...error };
  }
}
