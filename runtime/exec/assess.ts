import type { Scalar } from '../../language-server/model/pipeline-model.js';
import type { Registry } from '../registry/registry.js';
import type { CacheEntry, KeyComponents, StepCache } from '../store/cache.js';
import type { FileHasher } from '../store/hashing.js';
import type { RerunReason } from './events.js';
import type { Fingerprints } from './fingerprints.js';
import type { ExecGraph, ExecNode } from './graph.js';
import { componentsOf, diffReasons, keyOf } from './keys.js';
import type { NodeState } from './node-state.js';
import { scalarProp } from './props.js';

export type Assessment =
  /** An input is not known yet: an upstream node has to run first. */
  | { state: 'pending'; reasons: RerunReason[] }
  | { state: 'cached'; key: string; components: KeyComponents; entry: CacheEntry }
  | { state: 'run'; key: string; components: KeyComponents; reasons: RerunReason[] };

export interface AssessContext {
  graph: ExecGraph;
  baseDir: string;
  params: Record<string, Scalar>;
  hasher: FileHasher;
  fingerprints: Fingerprints;
  salt: string;
  cache: StepCache;
  state: NodeState;
  registry: Registry;
  forced: ReadonlySet<string>;
  /** Nodes whose outputs are known (finished or cached), for `upstream` reasons. */
  known: (node: string) => boolean;
}

/**
 * Decides what happens to a node: taken from the cache (same key, entry present), run (and why), or
 * pending until upstream results exist. Used both for `mlpipe plan` and, node by node, during a run.
 */
export async function assess(e: ExecNode, c: AssessContext): Promise<Assessment> {
  const components = await componentsOf(e, { baseDir: c.baseDir, params: c.params, hasher: c.hasher, fingerprints: c.fingerprints, salt: c.salt });
  if (!components) return { state: 'pending', reasons: [{ kind: 'upstream', steps: e.deps.filter((d) => !c.known(d)) }] };
  const key = keyOf(components);
  if (c.forced.has(e.id)) return { state: 'run', key, components, reasons: [{ kind: 'forced' }] };
  if (e.node.kind === 'step' && scalarProp(e.node, 'cache', c.params) === false) {
    return { state: 'run', key, components, reasons: [{ kind: 'cache-disabled' }] };
  }
  const entry = c.cache.lookup(key);
  if (entry && !(e.kind === 'model' && !registryHas(c.registry, entry))) return { state: 'cached', key, components, entry };
  const previous = c.state.get(e.id);
  let reasons = diffReasons(previous?.components, components);
  if (!reasons.length) reasons = entry ? [{ kind: 'registry' }] : [{ kind: 'missing-result' }];
  return { state: 'run', key, components, reasons };
}

/** A cached registration still counts only if the registry has the version it recorded. */
function registryHas(reg: Registry, entry: CacheEntry): boolean {
  const x = entry.manifest.extra as { model?: string; version?: number; digest?: string } | undefined;
  if (!x?.model || !x.version) return false;
  try {
    return reg.resolve(x.model, String(x.version)).digest === x.digest;
  } catch {
    return false;
  }
}
