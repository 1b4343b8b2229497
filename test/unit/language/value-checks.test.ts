import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AstUtils, type AstNode } from 'langium';
import { expect, test } from 'vitest';
import * as ast from '../../../language-server/generated/ast.js';
import type { ParamType } from '../../../language-server/model/pipeline-model.js';
import { BLOCK_SPECS, RESOURCE_KEYS, type ValueSpec } from '../../../language-server/schema/property-schema.js';
import { checkValue, collectValueProblems, type ValueProblem } from '../../../language-server/validation/value-checks.js';
import { mutate, prng } from '../fuzz/mutate.js';
import { services } from './parse-helper.js';
import { checkValue as referenceCheckValue } from './value-checks-reference.js';

const samples = readdirSync('samples').flatMap((d) => readdirSync(join('samples', d)).filter((f) => f.endsWith('.mlpipe')).map((f) => readFileSync(join('samples', d, f), 'utf8')));

// Values that fail in every way: wrong kinds, params of every type, units missing, duplicates in maps.
const EXTRA = `pipeline p {
  param s = "x"
  param i = 3
  param f = 0.5
  param d = 2h
  param z = 1GB
  param b = true
  step a: python {
    script s
    retries f
    timeout 30
    memory 16
    cache "no"
    inputs [a, "b", 3, a.b@c, a.*]
    outputs { m: 3, m: "m.onnx", n: [1] }
    params { x: [1], y: { z: 1 }, w: a >= 1, v: 2 }
    resources { gpus: -1, cpus: 0.5, memory: 16, timeout: s, disk: 1, cpus: i }
    env { A: [1], B: "b", C: q }
    target "local"
    gate auc >= b
    gate auc >= "x"
    gate 3
  }
  source src { path "a.txt" schema { a: strng, b: "x", c: int } timestamp 3 }
}
`;

const specs: ValueSpec[] = [...new Map(
  [...BLOCK_SPECS.flatMap((b) => b.properties.map((p) => p.value)), ...Object.values(RESOURCE_KEYS).map((r) => r.value)].map((s) => [JSON.stringify(s), s]),
).values()];

// Nodes by identity (a deep comparison of AST nodes walks their containers), messages and suggestions by value.
const picture = (problems: ValueProblem[], nodes: Map<AstNode, number>) => problems.map((p) => {
  if (!nodes.has(p.node)) nodes.set(p.node, nodes.size);
  return [nodes.get(p.node), p.message, p.suggestions];
});

test('collectValueProblems finds what the checks found before they stopped allocating, for every spec and every value', () => {
  const rand = prng(11);
  const texts = [...samples, EXTRA];
  for (let i = 0; i < 12; i++) texts.push(mutate(texts[i % texts.length], rand));
  const paramTypes: Record<string, ParamType> = { s: 'string', i: 'int', f: 'float', d: 'duration', z: 'size', b: 'bool' };
  const paramType = (name: string) => paramTypes[name];
  const mismatches: unknown[] = [];
  let compared = 0;
  let failing = 0;
  for (const text of texts) {
    const root = services.MLPipe.parser.LangiumParser.parse(text).value;
    const values = AstUtils.streamAst(root).filter((n): n is ast.Property => ast.isProperty(n)).map((p) => p.value).filter((v): v is NonNullable<typeof v> => !!v).toArray();
    for (const v of values as AstNode[]) {
      for (const spec of specs) {
        const expected = referenceCheckValue(spec, v, paramType);
        const nodes = new Map<AstNode, number>();
        const want = picture(expected, nodes);
        const got = picture(checkValue(spec, v, paramType), nodes);
        const out: ValueProblem[] = [];
        collectValueProblems(spec, v, paramType, out);
        // One expect at the end: vitest's per-call cost would dominate 100k comparisons.
        if (JSON.stringify(got) !== JSON.stringify(want) || out.length !== expected.length) mismatches.push({ spec, text: v.$cstNode?.text, got, want });
        compared++;
        if (expected.length) failing++;
      }
    }
  }
  expect(mismatches.slice(0, 5)).toEqual([]);
  expect(specs.length).toBeGreaterThan(15);
  // Both sides of every check must be exercised, or the comparison says little.
  expect(failing).toBeGreaterThan(1000);
  expect(compared - failing).toBeGreaterThan(1000);
});
