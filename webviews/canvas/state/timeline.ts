/**
 * Named moments of the canvas's work (document received, gesture sent, ...) as User Timing
 * marks, so the benchmarks can tell where first paint and gesture time goes. One mark per name: the
 * latest replaces the previous, so a long session does not accumulate them.
 */
/**
 * `graph`: a document message that changed the graph (diagnostics that change nothing drawn come later);
 * `layout`: a document came with the host's layout of the whole graph.
 */
export type Moment = 'script' | 'ready' | 'document' | 'graph' | 'layout' | 'positions' | 'gesture-sent';

export function mark(moment: Moment): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  const name = `mlpipe:${moment}`;
  performance.clearMarks(name);
  performance.mark(name);
}
