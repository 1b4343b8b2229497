import * as vscode from 'vscode';
import type { RunStatusUpdate } from '../../webviews/canvas/protocol.js';

/**
 * The latest run status of each pipeline, fed by the run integration (the runtime's event stream)
 * and shown by every canvas open on it, including canvases opened after the run started.
 */
export class RunStatusBoard implements vscode.Disposable {
  private readonly current = new Map<string, RunStatusUpdate>();
  private readonly changed = new vscode.EventEmitter<{ uri: string; update: RunStatusUpdate }>();
  readonly onDidChange = this.changed.event;

  update(uri: vscode.Uri, update: RunStatusUpdate): void {
    const key = uri.toString();
    const prev = this.current.get(key);
    const merged: RunStatusUpdate = !prev || update.reset || prev.runId !== update.runId
      ? { runId: update.runId, reset: true, nodes: { ...update.nodes } }
      : { runId: update.runId, reset: true, nodes: { ...prev.nodes, ...update.nodes } };
    this.current.set(key, merged);
    this.changed.fire({ uri: key, update });
  }

  clear(uri: vscode.Uri): void {
    this.current.delete(uri.toString());
    this.changed.fire({ uri: uri.toString(), update: { runId: '', reset: true, nodes: {} } });
  }

  /** Everything known about the current run, as one update that replaces what a canvas shows. */
  snapshot(uri: vscode.Uri): RunStatusUpdate | undefined {
    return this.current.get(uri.toString());
  }

  dispose(): void {
    this.changed.dispose();
  }
}
