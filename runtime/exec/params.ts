import { suggest } from '../../language-server/analysis/did-you-mean.js';
import { parseDuration, parseSize } from '../../language-server/analysis/units.js';
import type { GateModel, ParamModel, PipelineModel, Scalar } from '../../language-server/model/pipeline-model.js';

export class ParamError extends Error {}

/** `lr=0.1` pairs from the command line, as written. */
export function parseParamArgs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new ParamError(`--param takes NAME=VALUE, got '${a}'`);
    out[a.slice(0, eq).trim()] = a.slice(eq + 1);
  }
  return out;
}

/**
 * Applies per-run param overrides: checks each against the param's declared type, then returns a copy of
 * the model in which every step param, gate and resource that came from an overridden param carries the
 * new value (the model resolves params to their defaults; `paramRefs` and `gate.param` say which).
 */
export function applyParams(model: PipelineModel, overrides: Record<string, string | Scalar>): { model: PipelineModel; params: Record<string, Scalar> } {
  const decl = new Map(model.params.map((p) => [p.name, p]));
  const values: Record<string, Scalar> = {};
  for (const p of model.params) if (p.default !== null) values[p.name] = p.default;
  const changed = new Map<string, Scalar>();
  for (const [name, raw] of Object.entries(overrides)) {
    const p = decl.get(name);
    if (!p) {
      const s = suggest(name, [...decl.keys()]);
      throw new ParamError(`unknown param '${name}'${s.length ? ` — did you mean '${s[0]}'?` : ''}${decl.size ? ` (params: ${[...decl.keys()].join(', ')})` : ' (the pipeline declares no params)'}`);
    }
    const v = convert(p, raw);
    values[name] = v;
    changed.set(name, v);
  }
  for (const p of model.params) {
    if (values[p.name] === undefined) throw new ParamError(`param '${p.name}' has no default: give it with --param ${p.name}=VALUE`);
  }
  if (!changed.size) return { model, params: values };
  const gates = (gs: GateModel[]) => gs.map((g) => (g.param && changed.has(g.param) ? { ...g, value: Number(changed.get(g.param)) } : g));
  const nodes = model.nodes.map((n) => {
    if (n.kind === 'step') {
      const params = { ...n.params };
      for (const [key, param] of Object.entries(n.paramRefs)) if (changed.has(param)) params[key] = changed.get(param)!;
      return { ...n, params, gates: gates(n.gates) };
    }
    if (n.kind === 'model') return { ...n, gates: gates(n.gates) };
    return n;
  });
  return { model: { ...model, nodes }, params: values };
}

function convert(p: ParamModel, raw: string | Scalar): Scalar {
  if (typeof raw !== 'string') return raw;
  const bad = (what: string) => new ParamError(`param '${p.name}' is ${what}, got '${raw}'`);
  switch (p.type) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw bad('an int');
      return Number(raw);
    }
    case 'float': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw bad('a float');
      return n;
    }
    case 'bool':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw bad('a bool (true or false)');
    case 'duration': {
      const ms = parseDuration(raw);
      if (ms === undefined) throw bad('a duration such as 30s, 10m or 2h');
      return ms;
    }
    case 'size': {
      const b = parseSize(raw);
      if (b === undefined) throw bad('a size such as 512MB or 2GiB');
      return b;
    }
    default: return raw;
  }
}
