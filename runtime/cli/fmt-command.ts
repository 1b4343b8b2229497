import { writeFile } from 'node:fs/promises';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadPipeline, languageServices } from '../pipeline/load.js';
import { formatDiagnostic, UsageError, type Io } from './output.js';
import { readable } from './validate-command.js';

/** The canonical text of a document, or undefined when it has syntax errors (never reformat a broken file). */
export async function formatFile(file: string): Promise<{ original: string; formatted?: string; errors: string[] }> {
  const original = await readable(file);
  const loaded = await loadPipeline(file);
  const syntax = loaded.diagnostics.filter((d) => d.code === 'syntax-error');
  if (syntax.length) return { original, errors: syntax.map((d) => formatDiagnostic(file, d)) };
  const { MLPipe } = languageServices();
  const edits = await MLPipe.lsp.Formatter!.formatDocument(loaded.document, {
    textDocument: { uri: loaded.document.uri.toString() }, options: { tabSize: 2, insertSpaces: true },
  });
  const formatted = TextDocument.applyEdits(TextDocument.create('x', 'mlpipe', 0, original), edits);
  return { original, formatted, errors: [] };
}

export async function fmtCommand(files: string[], opts: { check: boolean; write: boolean }, io: Io): Promise<number> {
  if (files.length !== 1) throw new UsageError('fmt: name exactly one .mlpipe file');
  const [file] = files;
  const { original, formatted, errors } = await formatFile(file);
  if (formatted === undefined) {
    errors.forEach((e) => io.err(e));
    io.err(`${file}: not formatted: fix the syntax errors first`);
    return 2;
  }
  if (opts.check) {
    if (formatted !== original) io.err(`${file}: not formatted (run: mlpipe fmt --write ${file})`);
    return formatted === original ? 0 : 1;
  }
  if (opts.write) {
    if (formatted !== original) await writeFile(file, formatted);
    return 0;
  }
  io.out(formatted);
  return 0;
}
