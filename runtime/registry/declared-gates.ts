import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GateModel } from '../../language-server/model/pipeline-model.js';
import { applyParams } from '../exec/params.js';
import { loadPipeline } from '../pipeline/load.js';
import type { Workspace } from '../store/workspace.js';
import { RegistryError, type ModelVersion } from './registry.js';

/**
 * The gates a model declares in its .mlpipe file: the file given, else the one the version was registered
 * from. Promotion never goes ahead without knowing them (a missing file is an error, not "no gates").
 */
export async function declaredGates(ws: Workspace, version: ModelVersion, file?: string): Promise<{ gates: GateModel[]; file: string }> {
  const path = file ? resolve(file) : version.pipeline ? resolve(ws.root, version.pipeline) : undefined;
  if (!path) throw new RegistryError(`${version.model} version ${version.version} records no pipeline file: pass --pipeline FILE to check its gates`);
  if (!existsSync(path)) throw new RegistryError(`cannot check the gates of ${version.model}: ${path} does not exist (pass --pipeline FILE)`);
  const { model, diagnostics } = await loadPipeline(path);
  if (diagnostics.some((d) => (d.severity ?? 1) === 1)) throw new RegistryError(`cannot check the gates of ${version.model}: ${path} has errors (mlpipe validate ${path})`);
  const node = applyParams(model, {}).model.nodes.find((n) => n.kind === 'model' && n.name === version.model);
  if (!node || node.kind !== 'model') throw new RegistryError(`${path} declares no model '${version.model}'`);
  return { gates: node.gates, file: path };
}
