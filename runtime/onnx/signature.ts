import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';

/** One input or output of an ONNX graph: `{ name: 'age', type: 'float32', shape: ['N', 1] }`. */
export interface TensorSpec {
  name: string;
  /** onnxruntime's type names: float32, float64, int64, int32, string, bool, ... */
  type: string;
  /** Fixed sizes as numbers, symbolic ones (batch) as their names, unknown as null. */
  shape: (number | string | null)[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** `metadata_props` of the model (producer facts, e.g. `mlpipe.label`). */
  metadata: Record<string, string>;
  producer?: string;
  opsets: Record<string, number>;
}

const ELEM_TYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
};

export class ModelFormatError extends Error {}

/**
 * The signature read from the ONNX file itself (protobuf decode, no inference session), so the registry
 * records what the model really takes and returns, whatever the training code claimed.
 */
export function readSignature(path: string): ModelSignature {
  let m: onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(readFileSync(path));
  } catch (e) {
    throw new ModelFormatError(`${path} is not an ONNX model: ${(e as Error).message}`);
  }
  if (!m.graph) throw new ModelFormatError(`${path} is not an ONNX model: it has no graph`);
  const inits = new Set((m.graph.initializer ?? []).map((t) => t.name));
  const spec = (v: onnx.IValueInfoProto): TensorSpec => {
    const t = v.type?.tensorType;
    return {
      name: v.name ?? '',
      type: ELEM_TYPES[t?.elemType ?? 0] ?? (v.type?.sequenceType ? 'sequence' : v.type?.mapType ? 'map' : 'unknown'),
      shape: (t?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : null)),
    };
  };
  return {
    // Old exporters list initializers among the inputs; they are weights, not what callers feed.
    inputs: (m.graph.input ?? []).filter((i) => !inits.has(i.name)).map(spec),
    outputs: (m.graph.output ?? []).map(spec),
    metadata: Object.fromEntries((m.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
    producer: m.producerName || undefined,
    opsets: Object.fromEntries((m.opsetImport ?? []).map((o) => [o.domain || 'ai.onnx', Number(o.version)])),
  };
}
