import type { AstNode } from 'langium';
import * as ast from '../generated/ast.js';
import type { ParamType } from '../model/pipeline-model.js';
import { COLUMN_TYPES, RESOURCE_KEYS, type ValueSpec } from '../schema/property-schema.js';
import { suggest, didYouMean } from '../analysis/did-you-mean.js';

export interface ValueProblem {
  node: AstNode;
  message: string;
  suggestions?: string[];
}

/** What a value looks like, for "expected X, found Y" messages. */
export function describeValue(v: AstNode | undefined): string {
  if (!v) return 'nothing';
  if (ast.isStringLit(v)) return 'a string';
  if (ast.isTextBlock(v)) return 'a text block';
  if (ast.isNumberLit(v)) return 'a number';
  if (ast.isBoolLit(v)) return 'a boolean';
  if (ast.isDurationLit(v)) return 'a duration';
  if (ast.isSizeLit(v)) return 'a size';
  if (ast.isRef(v)) return `the name '${v.$cstNode?.text ?? v.path.join('.')}'`;
  if (ast.isListValue(v)) return 'a list';
  if (ast.isMapValue(v)) return 'a map';
  if (ast.isComparison(v)) return 'a comparison';
  return 'an unknown value';
}

/**
 * Checks a value against its spec. Bare names where literals are expected are param references;
 * `paramType` gives their declared type (undefined when the name is not a param; the symbol table
 * reports that).
 */
export function checkValue(spec: ValueSpec, v: AstNode, paramType: (name: string) => ParamType | undefined): ValueProblem[] {
  const out: ValueProblem[] = [];
  collectValueProblems(spec, v, paramType, out);
  return out;
}

/**
 * `checkValue`, appending its problems to `out`. Runs for every property of every block, and nearly
 * every value is fine: nothing is allocated (no closures, no result arrays, no messages) unless a
 * check fails.
 */
export function collectValueProblems(spec: ValueSpec, v: AstNode, paramType: ParamTypeOf, out: ValueProblem[]): void {
  switch (spec.type) {
    case 'string':
      scalar(v, paramType, out, STRING_TYPES, 'a string', ast.isStringLit(v));
      return;
    case 'path':
      if (!scalar(v, paramType, out, STRING_TYPES, 'a quoted path', ast.isStringLit(v))) return;
      if (ast.isStringLit(v) && spec.extensions) {
        const path = v.value;
        if (!spec.extensions.some((e) => path.endsWith(e))) out.push({ node: v, message: `expected a ${spec.extensions.join(' or ')} file, found "${path}"` });
      }
      return;
    case 'text':
      scalar(v, paramType, out, STRING_TYPES, 'a string or a """text block"""', ast.isStringLit(v) || ast.isTextBlock(v));
      return;
    case 'int':
      if (!scalar(v, paramType, out, INT_TYPES, 'a whole number', ast.isNumberLit(v))) return;
      if (ast.isNumberLit(v)) {
        if (!Number.isInteger(v.value)) out.push({ node: v, message: `expected a whole number, found ${v.value}` });
        else if (spec.min !== undefined && v.value < spec.min) out.push({ node: v, message: `must be at least ${spec.min}, found ${v.value}` });
      }
      return;
    case 'number':
      if (!scalar(v, paramType, out, NUMBER_TYPES, 'a number', ast.isNumberLit(v))) return;
      if (ast.isNumberLit(v)) {
        if (spec.min !== undefined && v.value < spec.min) out.push({ node: v, message: `must be at least ${spec.min}, found ${v.value}` });
        else if (spec.max !== undefined && v.value > spec.max) out.push({ node: v, message: `must be at most ${spec.max}, found ${v.value}` });
      }
      return;
    case 'bool':
      scalar(v, paramType, out, BOOL_TYPES, 'true or false', ast.isBoolLit(v));
      return;
    case 'duration':
      scalar(v, paramType, out, DURATION_TYPES, 'a duration such as 30d, 2h or 90s', ast.isDurationLit(v), ' (add a unit: ms, s, m, h, d, w)');
      return;
    case 'size':
      scalar(v, paramType, out, SIZE_TYPES, 'a size such as 512MB or 16GB', ast.isSizeLit(v), ' (add a unit: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)');
      return;
    case 'enum': {
      const word = ast.isRef(v) && v.path.length === 1 && !v.alias ? v.path[0] : ast.isStringLit(v) ? v.value : undefined;
      if (word === undefined) out.push({ node: v, message: `expected one of ${spec.values.join(', ')}, found ${describeValue(v)}` });
      else if (!spec.values.includes(word)) {
        const s = suggest(word, spec.values);
        out.push({ node: v, message: `'${word}' is not one of ${spec.values.join(', ')}${didYouMean(s)}`, suggestions: s });
      }
      return;
    }
    case 'column':
      if (!isName(v)) out.push({ node: v, message: `expected a column name, found ${describeValue(v)}` });
      return;
    case 'columns':
    case 'names':
      if (isName(v)) return;
      if (ast.isListValue(v)) {
        for (const i of v.items) if (!isName(i)) out.push({ node: i, message: `expected a name, found ${describeValue(i)}` });
        return;
      }
      out.push({ node: v, message: `expected a name or a list of names, found ${describeValue(v)}` });
      return;
    case 'ref':
      if (!ast.isRef(v)) out.push({ node: v, message: `expected a reference, found ${describeValue(v)}` });
      else if (v.alias && !spec.alias) out.push({ node: v, message: `'@${v.alias}' is only allowed where a model alias is expected` });
      return;
    case 'refs':
      if (ast.isRef(v)) return;
      if (ast.isListValue(v)) {
        for (const i of v.items) if (!ast.isRef(i)) out.push({ node: i, message: `expected a reference, found ${describeValue(i)}` });
        return;
      }
      out.push({ node: v, message: `expected a list of references such as [events, prep.out], found ${describeValue(v)}` });
      return;
    case 'gate':
      if (!ast.isComparison(v) || !ast.isRef(v.left) || v.left.path.length !== 1) out.push({ node: v, message: `expected a metric condition such as auc >= 0.8, found ${describeValue(v)}` });
      else if (ast.isNumberLit(v.right)) return;
      else if (ast.isRef(v.right)) collectValueProblems(NUMBER_SPEC, v.right, paramType, out);
      else out.push({ node: v.right, message: `expected a number after ${v.op}, found ${describeValue(v.right)}` });
      return;
    case 'outputs':
    case 'env':
    case 'params':
    case 'options':
    case 'schema':
    case 'resources':
      mapOf(spec.type, v, paramType, out);
      return;
  }
}

type ParamTypeOf = (name: string) => ParamType | undefined;

const STRING_TYPES: readonly ParamType[] = ['string'];
const INT_TYPES: readonly ParamType[] = ['int'];
const NUMBER_TYPES: readonly ParamType[] = ['int', 'float'];
const BOOL_TYPES: readonly ParamType[] = ['bool'];
const DURATION_TYPES: readonly ParamType[] = ['duration'];
const SIZE_TYPES: readonly ParamType[] = ['size'];
const NUMBER_SPEC: ValueSpec = { type: 'number' };

/**
 * A scalar: a literal of the right kind, or a param of one of the `ok` types. `hint` is added when a
 * number is given without its unit. Returns whether `v` passed, so callers check the literal further.
 */
function scalar(v: AstNode, paramType: ParamTypeOf, out: ValueProblem[], ok: readonly ParamType[], expected: string, literal: boolean, unitHint?: string): boolean {
  if (literal) return true;
  if (ast.isRef(v) && v.path.length === 1) {
    const p = paramType(v.path[0]);
    if (p === undefined) return true; // unknown param: reported as an unresolved reference
    if (ok.includes(p)) return true;
    out.push({ node: v, message: `expected ${expected}, but param '${v.path[0]}' is ${p}` });
    return false;
  }
  const hint = unitHint && ast.isNumberLit(v) ? unitHint : '';
  out.push({ node: v, message: `expected ${expected}, found ${describeValue(v)}${hint}` });
  return false;
}

function isName(v: AstNode): boolean {
  return (ast.isRef(v) && v.path.length === 1 && !v.alias && !v.wildcard) || ast.isStringLit(v);
}

/** The entries of a map property, each checked by what the map is for. */
function mapOf(type: 'outputs' | 'env' | 'params' | 'options' | 'schema' | 'resources', v: AstNode, paramType: ParamTypeOf, out: ValueProblem[]): void {
  if (!ast.isMapValue(v)) {
    out.push({ node: v, message: `expected a map such as { key: value }, found ${describeValue(v)}` });
    return;
  }
  const entries = v.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    // Maps are a handful of entries: a scan of the earlier ones instead of a Set per map.
    for (let j = 0; j < i; j++) {
      if (entries[j].key === e.key) {
        out.push({ node: e, message: `'${e.key}' appears twice` });
        break;
      }
    }
    if (e.value) checkEntry(type, e, e.value, paramType, out);
  }
}

function checkEntry(type: 'outputs' | 'env' | 'params' | 'options' | 'schema' | 'resources', e: ast.MapEntry, value: AstNode, paramType: ParamTypeOf, out: ValueProblem[]): void {
  switch (type) {
    case 'outputs':
      if (!ast.isStringLit(value)) out.push({ node: value, message: `output '${e.key}' needs a quoted file name, e.g. ${e.key}: "${e.key}.parquet"` });
      return;
    case 'env':
      if (!(ast.isStringLit(value) || ast.isRef(value) || ast.isNumberLit(value))) out.push({ node: value, message: `expected a string for ${e.key}, found ${describeValue(value)}` });
      return;
    case 'params':
    case 'options':
      if (ast.isListValue(value) || ast.isMapValue(value) || ast.isComparison(value)) out.push({ node: value, message: `expected a single value for ${e.key}, found ${describeValue(value)}` });
      return;
    case 'schema': {
      const t = ast.isRef(value) && value.path.length === 1 ? value.path[0] : undefined;
      if (!t) out.push({ node: value, message: `expected a column type for ${e.key}, e.g. ${e.key}: string` });
      else if (!(COLUMN_TYPES as readonly string[]).includes(t)) {
        const s = suggest(t, COLUMN_TYPES);
        out.push({ node: value, message: `unknown column type '${t}'${didYouMean(s)} (types: ${COLUMN_TYPES.join(', ')})`, suggestions: s });
      }
      return;
    }
    case 'resources': {
      const r = RESOURCE_KEYS[e.key];
      if (!r) {
        const s = suggest(e.key, Object.keys(RESOURCE_KEYS));
        out.push({ node: e, message: `unknown resource '${e.key}'${didYouMean(s)} (resources: ${Object.keys(RESOURCE_KEYS).join(', ')})`, suggestions: s });
        return;
      }
      collectValueProblems(r.value, value, paramType, out);
    }
  }
}
