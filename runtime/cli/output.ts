import type { Diagnostic } from 'vscode-languageserver-types';

export type SeverityName = 'error' | 'warning' | 'information' | 'hint';

export function severityName(d: Diagnostic): SeverityName {
  switch (d.severity) {
    case 2: return 'warning';
    case 3: return 'information';
    case 4: return 'hint';
    default: return 'error';
  }
}

export function messageText(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

/** `file:line:col: severity code: message`, 1-based like compilers print. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${severityName(d)} ${d.code ?? ''}: ${messageText(d)}`;
}

export function diagnosticJson(d: Diagnostic): { severity: SeverityName; code: string; message: string; range: Diagnostic['range'] } {
  return { severity: severityName(d), code: String(d.code ?? ''), message: messageText(d), range: d.range };
}

/** An error the user caused (bad arguments, unreadable file): exit code 2, message on stderr. */
export class UsageError extends Error {}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * Lines for stdout are gathered for the rest of the event loop's turn and written at once: a run of 1,000
 * cached steps prints a line (or an event) per step in one turn, and each `write` costs a system call and
 * a trip through Node's stream machinery. Nothing waits longer than the turn (`--json-events` consumers see
 * events as live as before), and what is gathered is written before the process exits, however it exits.
 */
let gathered = '';
let scheduled = false;

function flushOut(): void {
  scheduled = false;
  const text = gathered;
  gathered = '';
  if (text) process.stdout.write(text);
}

export const processIo: Io = {
  out: (t) => {
    gathered += t.endsWith('\n') ? t : `${t}\n`;
    if (scheduled) return;
    scheduled = true;
    setImmediate(flushOut);
  },
  // Written at once: errors and warnings matter most when the process is about to end.
  err: (t) => {
    flushOut();
    process.stderr.write(t.endsWith('\n') ? t : `${t}\n`);
  },
};

process.on('exit', flushOut);
