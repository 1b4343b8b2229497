import { loadPipeline } from '../pipeline/load.js';
import { formatDiagnostic, UsageError, type Io } from './output.js';
import { readable } from './validate-command.js';

export async function graphCommand(files: string[], opts: { json: boolean }, io: Io): Promise<number> {
  if (files.length !== 1) throw new UsageError('graph: name exactly one .mlpipe file');
  await readable(files[0]);
  const loaded = await loadPipeline(files[0]);
  const errors = loaded.diagnostics.filter((d) => (d.severity ?? 1) === 1);
  errors.forEach((d) => io.err(formatDiagnostic(loaded.file, d)));
  if (opts.json) io.out(JSON.stringify(loaded.model));
  else {
    const m = loaded.model;
    io.out(`pipeline ${m.name}: ${m.nodes.length} nodes, ${m.edges.length} edges`);
    for (const n of m.nodes) io.out(`  ${n.kind.padEnd(12)} ${n.name}`);
    for (const e of m.edges) io.out(`  ${e.from}${e.fromPort ? `.${e.fromPort}` : ''} -> ${e.to} (${e.role})`);
  }
  return errors.length ? 1 : 0;
}
