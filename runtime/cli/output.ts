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

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};
