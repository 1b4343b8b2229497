import type { ModelValue, PipelineNode, Scalar } from '../../language-server/model/pipeline-model.js';

/**
 * Properties the plain model keeps only in `props` (as written): `args`, `python`, `kernel`, `env`,
 * `cache`, `threshold`, `max_batch`. Param names are resolved against the run's effective params.
 */
export function propValue(node: PipelineNode, key: string): ModelValue | undefined {
  return node.props.find((p) => p.key === key)?.value;
}

export function scalarProp(node: PipelineNode, key: string, params: Record<string, Scalar>): Scalar | undefined {
  return scalarValue(propValue(node, key), params);
}

export function scalarValue(v: ModelValue | undefined, params: Record<string, Scalar>): Scalar | undefined {
  switch (v?.type) {
    case 'string': case 'text': case 'number': case 'bool': return v.value;
    case 'duration': return v.ms;
    case 'size': return v.bytes;
    case 'ref': return v.path.length === 1 && v.path[0] in params ? params[v.path[0]] : v.path.join('.');
    default: return undefined;
  }
}

export function stringProp(node: PipelineNode, key: string, params: Record<string, Scalar>): string | undefined {
  const s = scalarProp(node, key, params);
  return s === undefined ? undefined : String(s);
}

/** `args [a, "b c", 3]` → ['a', 'b c', '3']. */
export function listProp(node: PipelineNode, key: string, params: Record<string, Scalar>): string[] {
  const v = propValue(node, key);
  if (!v) return [];
  if (v.type === 'list') return v.items.map((i) => scalarValue(i, params)).filter((s): s is Scalar => s !== undefined).map(String);
  const s = scalarValue(v, params);
  return s === undefined ? [] : [String(s)];
}

/** `env { A: "1" }` → { A: '1' }. */
export function mapProp(node: PipelineNode, key: string, params: Record<string, Scalar>): Record<string, string> {
  const v = propValue(node, key);
  const out: Record<string, string> = {};
  if (v?.type !== 'map') return out;
  for (const e of v.entries) {
    const s = scalarValue(e.value, params);
    if (s !== undefined) out[e.key] = String(s);
  }
  return out;
}
