import { Registry, type ModelVersion } from '../registry/registry.js';
import type { Workspace } from '../store/workspace.js';
import { UsageError } from './output.js';

/** `churn_model@champion`, `churn_model@3` or `churn_model` (its latest version) → the version. */
export function resolveModelRef(ws: Workspace, ref: string): ModelVersion {
  const m = /^([A-Za-z_][A-Za-z0-9_.-]*)(?:@(.+))?$/.exec(ref);
  if (!m) throw new UsageError(`'${ref}' is not a model reference: write NAME@ALIAS or NAME@VERSION`);
  const reg = new Registry(ws);
  if (m[2]) return reg.resolve(m[1], m[2]);
  const versions = reg.state(m[1]).versions;
  return versions[versions.length - 1];
}
