import type { AstNode } from 'langium';
import * as ast from '../generated/ast.js';
import type { CompareOp, ModelValue, Scalar } from '../model/pipeline-model.js';
import { parseDuration, parseSize, textBlockValue } from './units.js';

/** A property value as plain data. Unparseable (half-typed) values become undefined. */
export function toModelValue(v: AstNode | undefined): ModelValue | undefined {
  // A switch on $type: this runs for every value on every edit, and reflection checks cost more.
  switch (v?.$type) {
    case 'StringLit': return { type: 'string', value: (v as ast.StringLit).value };
    case 'TextBlock': return { type: 'text', value: textBlockValue((v as ast.TextBlock).value) };
    case 'NumberLit': return { type: 'number', value: (v as ast.NumberLit).value };
    case 'BoolLit': return { type: 'bool', value: (v as ast.BoolLit).value };
    case 'DurationLit': { const text = (v as ast.DurationLit).value; return { type: 'duration', text, ms: parseDuration(text) ?? 0 }; }
    case 'SizeLit': { const text = (v as ast.SizeLit).value; return { type: 'size', text, bytes: parseSize(text) ?? 0 }; }
    case 'Ref': {
      const ref = v as ast.Ref;
      const r: ModelValue = { type: 'ref', path: [...ref.path] };
      if (ref.wildcard) r.wildcard = true;
      if (ref.alias) r.alias = ref.alias;
      return r;
    }
    // Loops rather than map/filter or flatMap: no intermediate array per item.
    case 'ListValue': {
      const items: ModelValue[] = [];
      for (const item of (v as ast.ListValue).items) {
        const value = toModelValue(item);
        if (value) items.push(value);
      }
      return { type: 'list', items };
    }
    case 'MapValue': {
      const entries: Array<{ key: string; value: ModelValue }> = [];
      for (const e of (v as ast.MapValue).entries) {
        const value = toModelValue(e.value);
        if (value) entries.push({ key: e.key, value });
      }
      return { type: 'map', entries };
    }
    case 'Comparison': {
      const c = v as ast.Comparison;
      const left = toModelValue(c.left);
      const right = toModelValue(c.right);
      return left && right ? { type: 'comparison', left, op: c.op as CompareOp, right } : undefined;
    }
    default: return undefined;
  }
}

/** A literal as a JS scalar (durations as ms, sizes as bytes). */
export function scalarOf(v: ModelValue | undefined): Scalar | undefined {
  switch (v?.type) {
    case 'string': case 'text': case 'number': case 'bool': return v.value;
    case 'duration': return v.ms;
    case 'size': return v.bytes;
    default: return undefined;
  }
}

/** The source text of a value, for messages. */
export function valueText(v: AstNode | undefined): string {
  return v?.$cstNode?.text ?? '';
}

/** `customer_id` or `[a, b]` as a list of names. */
export function namesOf(v: ModelValue | undefined): string[] {
  if (!v) return [];
  if (v.type === 'ref') return [v.path.join('.')];
  if (v.type === 'string') return [v.value];
  if (v.type === 'list') return v.items.flatMap(namesOf);
  return [];
}
