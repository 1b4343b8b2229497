import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../exec/events.js';
import { JsonlWriter } from '../store/jsonl.js';
import { ensureDir, storePaths, type Workspace } from '../store/workspace.js';
import { appendIndex, type IndexLine } from './run-index.js';

export const runDir = (ws: Workspace, id: string): string => join(storePaths(ws).runs, id);
export const eventsFile = (ws: Workspace, id: string): string => join(runDir(ws, id), 'events.jsonl');
export const logFile = (ws: Workspace, id: string, step: string, attempt: number): string => join(runDir(ws, id), 'logs', `${step}.${attempt}.log`);

/**
 * Writes one run into the store: `runs/<id>/events.jsonl` gets every event of the stream except log lines
 * (those go to `runs/<id>/logs/<step>.<attempt>.log`, already masked), and the run index gets a start and
 * an end line. Only this run's process writes its folder, so no locking is needed.
 */
export class RunRecorder {
  private readonly events: JsonlWriter;

  constructor(private readonly ws: Workspace, readonly runId: string, start: Extract<IndexLine, { t: 'start' }>) {
    ensureDir(join(runDir(ws, runId), 'logs'));
    this.events = new JsonlWriter(eventsFile(ws, runId));
    appendIndex(ws, start);
  }

  /** Log lines are not events in the store: `appendLog` writes them, batched. */
  record(e: RunEvent): void {
    if (e.type !== 'step_log') this.events.write(e);
  }

  appendLog(step: string, attempt: number, lines: string[]): void {
    if (lines.length) appendFileSync(logFile(this.ws, this.runId, step, attempt), `${lines.join('\n')}\n`);
  }

  finish(end: Extract<IndexLine, { t: 'end' }>): void {
    this.events.close();
    appendIndex(this.ws, end);
  }
}
