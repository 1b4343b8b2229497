/**
 * Errors the data engine reports to people. DuckDB's messages are long and mention internals
 * ("Binder Error", "Possible fixes: ..."); these carry a short message plus the facts an editor needs to
 * place a diagnostic (file, 1-based line).
 */

export type DataErrorCode =
  | 'untrusted'        // the workspace is not trusted: no query was run
  | 'cancelled'        // the caller aborted (a newer edit superseded this check)
  | 'missing-file'     // a path or glob matched nothing
  | 'empty-file'       // every matched file is empty
  | 'malformed-file'   // the file cannot be parsed (CSV row with the wrong number of fields, bad JSON...)
  | 'wrong-type'       // a value does not convert to the requested/declared type
  | 'unknown-column'   // a named column is not in the data
  | 'permission'       // the sandbox refused a path outside the workspace
  | 'invalid-argument' // a bad option (unknown method, bad duration...)
  | 'query-error';     // anything else DuckDB rejected

export class DataError extends Error {
  constructor(
    message: string,
    readonly code: DataErrorCode,
    readonly detail: { file?: string; line?: number; column?: string; suggestions?: string[] } = {},
  ) {
    super(message);
    this.name = 'DataError';
  }
}

export class CancelledError extends DataError {
  constructor() {
    super('cancelled', 'cancelled');
  }
}

export function isCancelled(e: unknown): boolean {
  return e instanceof DataError && e.code === 'cancelled';
}

/** First line of a DuckDB message without its "Xxx Error: " prefix. */
export function duckMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  return raw.split('\n')[0].replace(/^[A-Za-z ]+Error: /, '').trim();
}

/** Maps a DuckDB exception to a DataError; `file` names the source being read when there is one. */
export function fromDuckError(e: unknown, file?: string): DataError {
  if (e instanceof DataError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  if (/^INTERRUPT Error/.test(raw)) return new CancelledError();
  if (/^Permission Error/.test(raw)) {
    const path = /Cannot access (?:file|directory) "([^"]+)"/.exec(raw)?.[1];
    return new DataError(`access outside the workspace is refused${path ? `: ${path}` : ''}`, 'permission', { file: path ?? file });
  }
  const csvLine = /CSV Error on Line: (\d+)/.exec(raw);
  if (csvLine) {
    const reason = /\n(Expected Number of Columns: \d+ Found: \d+|Error when converting column[^\n]*|Value with unterminated quote[^\n]*|Invalid unicode[^\n]*)/.exec(raw)?.[1]
      ?? raw.split('\n').find((l, i) => i > 0 && l.trim() && !l.startsWith('Original Line'))?.trim() ?? 'malformed row';
    const errFile = /\n\s*file = ([^\n]+)/.exec(raw)?.[1]?.trim() ?? file;
    const line = Number(csvLine[1]);
    const code = /^Conversion Error/.test(raw) ? 'wrong-type' : 'malformed-file';
    return new DataError(`${errFile ?? 'CSV'}:${line}: ${reason}`, code, { file: errFile, line });
  }
  if (/No files found that match the pattern/.test(raw)) {
    const pattern = /pattern "([^"]+)"/.exec(raw)?.[1] ?? file;
    return new DataError(`no such file: ${pattern}`, 'missing-file', { file: pattern });
  }
  if (/^Conversion Error/.test(raw)) return new DataError(duckMessage(raw), 'wrong-type', { file });
  const missingCol = /Referenced column "([^"]+)" not found/.exec(raw);
  if (missingCol) {
    const candidates = /Candidate bindings: ([^\n]+)/.exec(raw)?.[1];
    return new DataError(`unknown column '${missingCol[1]}'${candidates ? ` (candidates: ${candidates.replace(/"/g, '').trim()})` : ''}`,
      'unknown-column', { column: missingCol[1], file });
  }
  if (/^Invalid Input Error: (Malformed JSON|JSON)/.test(raw) || /malformed JSON/i.test(raw)) {
    // DuckDB's JSON message already names the file and the byte.
    return new DataError(duckMessage(raw), 'malformed-file', { file, line: jsonLine(raw) });
  }
  return new DataError(duckMessage(raw), 'query-error', { file });
}

function jsonLine(raw: string): number | undefined {
  const m = /line (\d+)/i.exec(raw);
  return m ? Number(m[1]) : undefined;
}
