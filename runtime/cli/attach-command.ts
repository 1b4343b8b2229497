import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readIndex } from '../tracking/run-index.js';
import { UsageError, type Io } from './output.js';
import { workspaceFor } from './pipeline-cli.js';
import { runCommand } from './run-command.js';

/**
 * `mlpipe attach RUN`: picks up a run whose CLI was killed or lost (laptop closed) while steps ran on
 * remote targets. It runs the same pipeline with the same params as a new run (parent RUN): finished steps
 * come from the cache, a remote step still running (or finished but not collected) is followed where it
 * is, from the first line of its log, and its outputs collected; whatever had not started runs now.
 */
export async function attachCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { 'json-events': { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false }, workspace: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('attach: name exactly one run id (see mlpipe runs list)');
  const ws = workspaceFor(values.workspace);
  const runs = readIndex(ws);
  const id = positionals[0];
  const run = runs.find((r) => r.id === id) ?? (id === 'last' ? runs.sort((a, b) => b.started - a.started)[0] : undefined);
  if (!run) throw new UsageError(`attach: no run '${id}' in ${ws.store}`);
  if (run.status === 'running') throw new UsageError(`attach: run ${run.id} is still being driven by process ${run.pid} on ${run.host}; stop it first`);
  const file = isAbsolute(run.file) ? run.file : join(ws.root, run.file);
  const params = Object.entries(run.params).flatMap(([k, v]) => ['--param', `${k}=${v}`]);
  return runCommand('run', [file, ...params, '--workspace', ws.root, '--parent', run.id, '--adopt', run.id,
    ...(values['json-events'] ? ['--json-events'] : []), ...(values.quiet ? ['--quiet'] : [])], io);
}
