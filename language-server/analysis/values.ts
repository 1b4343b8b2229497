import type { AstNode } from 'langium';
import * as ast from '../generated/ast.js';
import type { CompareOp, ModelValue, Scalar } from '../model/pipeline-model.js';
import { parseDuration, parseSize, textBlockValue } from './units.js';

/** A property value as plain data. Unparseable (half-typed) values become undefined. */
export function toModelValue(v: AstNode | undefined): ModelValue | undefined {
  if (!v) return undefined;
  if (ast.isStringLit(v)) return { type: 'string', value: v.value };
  if (ast.isTextBlock(v)) return { type: 'text', value: textBlockValue(v.value) };
  if (ast.isNumberLit(v)) return { type: 'number', value: v.value };
  if (ast.isBoolLit(v)) return { type: 'bool', value: v.value };
  if (ast.isDurationLit(v)) return { type: 'duration', text: v.value, ms: parseDuration(v.value) ?? 0 };
  if (ast.isSizeLit(v)) return { type: 'size', text: v.value, bytes: parseSize(v.value) ?? 0 };
  if (ast.isRef(v)) {
    const r: ModelValue = { type: 'ref', path: [...v.path] };
    if (v.wildcard) r.wildcard = true;
    if (v.alias) r.alias = v.alias;
    return r;
  }
  if (ast.isListValue(v)) return { type: 'list', items: v.items.map(toModelValue).filter((x): x is ModelValue => !!x) };
  if (ast.isMapValue(v)) {
    return { type: 'map', entries: v.entries.flatMap((e) => { const value = toModelValue(e.value); return value ? [{ key: e.key, value }] : []; }) };
  }
  if (ast.isComparison(v)) {
    const left = toModelValue(v.left);
    const right = toModelValue(v.right);
    return left && right ? { type: 'comparison', left, op: v.op as CompareOp, right } : undefined;
  }
  return undefined;
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
