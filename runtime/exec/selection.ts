import { suggest } from '../../language-server/analysis/did-you-mean.js';
import { ancestors, descendants, type ExecGraph } from './graph.js';

export interface SelectionOptions {
  /** `--step`: these nodes and what they need. */
  steps?: string[];
  /** `--from`: this node and everything downstream of it, rerun even if cached. */
  from?: string;
  /** `--force`: ignore the cache for the selected steps (or all nodes when none are named). */
  force?: boolean;
}

export class SelectionError extends Error {}

export interface Selection {
  selected: Set<string>;
  forced: Set<string>;
}

/**
 * Which nodes a run considers and which ignore the cache. `--step S` takes S and its ancestors (which
 * still come from the cache when unchanged), like `dvc repro S`; `--from S` reruns S and everything
 * downstream of it; `--force` without `--step` reruns everything.
 */
export function select(graph: ExecGraph, opts: SelectionOptions): Selection {
  const known = [...graph.nodes.keys()];
  const check = (name: string) => {
    if (graph.nodes.has(name)) return;
    const other = graph.model.nodes.find((n) => n.name === name);
    if (other) throw new SelectionError(`'${name}' is a ${other.kind}, which does not run by itself; name a step, training set or model`);
    const s = suggest(name, known);
    throw new SelectionError(`no step named '${name}'${s.length ? ` — did you mean '${s[0]}'?` : ''}`);
  };
  for (const s of opts.steps ?? []) check(s);
  if (opts.from) check(opts.from);
  const targets = new Set<string>(opts.steps ?? []);
  const forced = new Set<string>();
  if (opts.from) {
    const down = [opts.from, ...descendants(graph, opts.from)];
    for (const d of down) { targets.add(d); forced.add(d); }
  }
  const selected = targets.size ? new Set([...targets, ...ancestors(graph, targets)]) : new Set(known);
  if (opts.force) for (const s of opts.steps?.length ? opts.steps : selected) forced.add(s);
  return { selected, forced };
}
