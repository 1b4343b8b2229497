import { readFile } from 'node:fs/promises';
import { loadPipelines } from '../pipeline/load.js';
import { diagnosticJson, formatDiagnostic, UsageError, type Io } from './output.js';

export async function validateCommand(files: string[], opts: { json: boolean }, io: Io): Promise<number> {
  if (!files.length) throw new UsageError('validate: name at least one .mlpipe file');
  for (const f of files) await readable(f);
  const loaded = await loadPipelines(files);
  let errors = 0;
  for (const l of loaded) {
    for (const d of l.diagnostics) {
      if ((d.severity ?? 1) === 1) errors++;
      if (!opts.json) io.err(formatDiagnostic(l.file, d));
    }
  }
  if (opts.json) io.out(JSON.stringify({ files: loaded.map((l) => ({ file: l.file, diagnostics: l.diagnostics.map(diagnosticJson) })) }));
  return errors ? 1 : 0;
}

/** Fails with the OS's reason (missing, a directory, no permission) before the parser sees the file. */
export async function readable(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
