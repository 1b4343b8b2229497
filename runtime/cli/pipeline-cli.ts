import { dirname, resolve } from 'node:path';
import type { PipelineModel } from '../../language-server/model/pipeline-model.js';
import { loadPipeline } from '../pipeline/load.js';
import { findWorkspace, type Workspace } from '../store/workspace.js';
import { formatDiagnostic, UsageError, type Io } from './output.js';
import { readable } from './validate-command.js';

export interface LoadedForRun {
  file: string;
  model: PipelineModel;
  workspace: Workspace;
}

/**
 * Loads a pipeline for an action (run, plan, train, deploy): the same validation `mlpipe validate` does;
 * errors are printed as `file:line:col: severity code: message` and stop the action (exit 1).
 */
export async function loadForRun(file: string, io: Io, workspace?: string): Promise<LoadedForRun | number> {
  await readable(file);
  const loaded = await loadPipeline(file);
  const errors = loaded.diagnostics.filter((d) => (d.severity ?? 1) === 1);
  if (errors.length) {
    for (const d of errors) io.err(formatDiagnostic(file, d));
    io.err(`mlpipe: ${file} has ${errors.length} error${errors.length > 1 ? 's' : ''}; nothing was run`);
    return 1;
  }
  if (!loaded.model.name) throw new UsageError(`${file}: no pipeline block`);
  const abs = resolve(file);
  return { file: abs, model: loaded.model, workspace: findWorkspace(dirname(abs), workspace) };
}

/** The workspace for commands that only read the store (runs, models, score, serve). */
export function workspaceFor(explicit?: string): Workspace {
  return findWorkspace(process.cwd(), explicit);
}
