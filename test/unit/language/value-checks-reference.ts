// The value checks as they were before collectValueProblems (language-server/validation/value-checks.ts)
// was written to allocate only on failure: the reference value-checks.test.ts compares it with.
import type { AstNode } from 'langium';
import * as ast from '../../../language-server/generated/ast.js';
import type { ParamType } from '../../../language-server/model/pipeline-model.js';
import { COLUMN_TYPES, RESOURCE_KEYS, type ValueSpec } from '../../../language-server/schema/property-schema.js';
import { suggest, didYouMean } from '../../../language-server/analysis/did-you-mean.js';
// Unchanged by the rewrite, so shared rather than copied.
import { describeValue, type ValueProblem } from '../../../language-server/validation/value-checks.js';

/**
 * Checks a value against its spec. Bare names where literals are expected are param references;
 * `paramType` gives their declared type (undefined when the name is not a param; the symbol table
 * reports that).
 */
export function checkValue(spec: ValueSpec, v: AstNode, paramType: (name: string) => ParamType | undefined): ValueProblem[] {
  const fail = (message: string, node: AstNode = v, suggestions?: string[]): ValueProblem[] => [{ node, message, suggestions }];
  const paramOf = (): ParamType | undefined | null => (ast.isRef(v) && v.path.length === 1 ? paramType(v.path[0]) : null);
  const scalar = (ok: ParamType[], expected: string, literal: (n: AstNode) => boolean, hint = ''): ValueProblem[] => {
    if (literal(v)) return [];
    const p = paramOf();
    if (p === undefined) return []; // unknown param: reported as an unresolved reference
    if (p !== null) return ok.includes(p) ? [] : fail(`expected ${expected}, but param '${(v as ast.Ref).path[0]}' is ${p}`);
    return fail(`expected ${expected}, found ${describeValue(v)}${hint}`);
  };
  switch (spec.type) {
    case 'string':
      return scalar(['string'], 'a string', ast.isStringLit);
    case 'path': {
      const problems = scalar(['string'], 'a quoted path', ast.isStringLit);
      if (!problems.length && ast.isStringLit(v) && spec.extensions) {
        const path = v.value;
        if (!spec.extensions.some((e) => path.endsWith(e))) return fail(`expected a ${spec.extensions.join(' or ')} file, found "${path}"`);
      }
      return problems;
    }
    case 'text':
      return scalar(['string'], 'a string or a """text block"""', (n) => ast.isStringLit(n) || ast.isTextBlock(n));
    case 'int': {
      const problems = scalar(['int'], 'a whole number', ast.isNumberLit);
      if (!problems.length && ast.isNumberLit(v)) {
        if (!Number.isInteger(v.value)) return fail(`expected a whole number, found ${v.value}`);
        if (spec.min !== undefined && v.value < spec.min) return fail(`must be at least ${spec.min}, found ${v.value}`);
      }
      return problems;
    }
    case 'number': {
      const problems = scalar(['int', 'float'], 'a number', ast.isNumberLit);
      if (!problems.length && ast.isNumberLit(v)) {
        if (spec.min !== undefined && v.value < spec.min) return fail(`must be at least ${spec.min}, found ${v.value}`);
        if (spec.max !== undefined && v.value > spec.max) return fail(`must be at most ${spec.max}, found ${v.value}`);
      }
      return problems;
    }
    case 'bool':
      return scalar(['bool'], 'true or false', ast.isBoolLit);
    case 'duration':
      return scalar(['duration'], 'a duration such as 30d, 2h or 90s', ast.isDurationLit, ast.isNumberLit(v) ? ' (add a unit: ms, s, m, h, d, w)' : '');
    case 'size':
      return scalar(['size'], 'a size such as 512MB or 16GB', ast.isSizeLit, ast.isNumberLit(v) ? ' (add a unit: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)' : '');
    case 'enum': {
      const word = ast.isRef(v) && v.path.length === 1 && !v.alias ? v.path[0] : ast.isStringLit(v) ? v.value : undefined;
      if (word === undefined) return fail(`expected one of ${spec.values.join(', ')}, found ${describeValue(v)}`);
      if (!spec.values.includes(word)) {
        const s = suggest(word, spec.values);
        return fail(`'${word}' is not one of ${spec.values.join(', ')}${didYouMean(s)}`, v, s);
      }
      return [];
    }
    case 'column':
      return isName(v) ? [] : fail(`expected a column name, found ${describeValue(v)}`);
    case 'columns':
    case 'names':
      if (isName(v)) return [];
      if (ast.isListValue(v)) return v.items.flatMap((i) => (isName(i) ? [] : fail(`expected a name, found ${describeValue(i)}`, i)));
      return fail(`expected a name or a list of names, found ${describeValue(v)}`);
    case 'ref':
      if (!ast.isRef(v)) return fail(`expected a reference, found ${describeValue(v)}`);
      if (v.alias && !spec.alias) return fail(`'@${v.alias}' is only allowed where a model alias is expected`);
      return [];
    case 'refs':
      if (ast.isRef(v)) return [];
      if (ast.isListValue(v)) return v.items.flatMap((i) => (ast.isRef(i) ? [] : fail(`expected a reference, found ${describeValue(i)}`, i)));
      return fail(`expected a list of references such as [events, prep.out], found ${describeValue(v)}`);
    case 'gate':
      if (!ast.isComparison(v) || !ast.isRef(v.left) || v.left.path.length !== 1) return fail(`expected a metric condition such as auc >= 0.8, found ${describeValue(v)}`);
      return ast.isNumberLit(v.right) ? [] : ast.isRef(v.right) ? checkValue({ type: 'number' }, v.right, paramType) : fail(`expected a number after ${v.op}, found ${describeValue(v.right)}`, v.right);
    case 'outputs':
      return mapOf(v, (e) => (ast.isStringLit(e.value) ? [] : fail(`output '${e.key}' needs a quoted file name, e.g. ${e.key}: "${e.key}.parquet"`, e.value)));
    case 'env':
      return mapOf(v, (e) => (ast.isStringLit(e.value) || ast.isRef(e.value) || ast.isNumberLit(e.value) ? [] : fail(`expected a string for ${e.key}, found ${describeValue(e.value)}`, e.value)));
    case 'params':
    case 'options':
      return mapOf(v, (e) => (ast.isListValue(e.value) || ast.isMapValue(e.value) || ast.isComparison(e.value) ? fail(`expected a single value for ${e.key}, found ${describeValue(e.value)}`, e.value) : []));
    case 'schema':
      return mapOf(v, (e) => {
        const t = ast.isRef(e.value) && e.value.path.length === 1 ? e.value.path[0] : undefined;
        if (!t) return fail(`expected a column type for ${e.key}, e.g. ${e.key}: string`, e.value);
        if ((COLUMN_TYPES as readonly string[]).includes(t)) return [];
        const s = suggest(t, COLUMN_TYPES);
        return fail(`unknown column type '${t}'${didYouMean(s)} (types: ${COLUMN_TYPES.join(', ')})`, e.value, s);
      });
    case 'resources':
      return mapOf(v, (e) => {
        const r = RESOURCE_KEYS[e.key];
        if (!r) {
          const s = suggest(e.key, Object.keys(RESOURCE_KEYS));
          return fail(`unknown resource '${e.key}'${didYouMean(s)} (resources: ${Object.keys(RESOURCE_KEYS).join(', ')})`, e, s);
        }
        return checkValue(r.value, e.value, paramType);
      });
  }
}

function isName(v: AstNode): boolean {
  return (ast.isRef(v) && v.path.length === 1 && !v.alias && !v.wildcard) || ast.isStringLit(v);
}

function mapOf(v: AstNode, each: (e: ast.MapEntry) => ValueProblem[]): ValueProblem[] {
  if (!ast.isMapValue(v)) return [{ node: v, message: `expected a map such as { key: value }, found ${describeValue(v)}` }];
  const seen = new Set<string>();
  const problems: ValueProblem[] = [];
  for (const e of v.entries) {
    if (seen.has(e.key)) problems.push({ node: e, message: `'${e.key}' appears twice` });
    seen.add(e.key);
    if (e.value) problems.push(...each(e));
  }
  return problems;
}
