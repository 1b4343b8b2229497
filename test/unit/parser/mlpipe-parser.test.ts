import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLangiumParser, CstUtils, isAstNode, isLeafCstNode, type AstNode, type CstNode, type ParseResult } from 'langium';
import { describe, expect, test } from 'vitest';
import { generatePipeline } from '../../../bench/generate-pipeline.js';
import { MLPipeParser } from '../../../language-server/parser/mlpipe-parser.js';
import { TokenLeaf } from '../../../language-server/parser/token-leaf.js';
import { services } from '../language/parse-helper.js';
import { mutate, prng } from '../fuzz/mutate.js';

// Our parser (allocation-free rule builder, own container linking) must produce exactly what
// Langium's stock parser produces from the same grammar and lexer: AST, CST, errors. If a Langium
// update changes the internals MLPipeParser relies on, this is the test that says so.
const ours = services.MLPipe.parser.LangiumParser;
const stock = createLangiumParser(services.MLPipe);

const samples = readdirSync('samples').flatMap((d) => readdirSync(join('samples', d)).filter((f) => f.endsWith('.mlpipe')).map((f) => readFileSync(join('samples', d, f), 'utf8')));

/** A plain, comparable picture of a parse: every AST node with its container links and CST range, the CST, the errors. */
function describeParse(r: ParseResult): unknown {
  const ids = new Map<AstNode, number>();
  const astNodes: unknown[] = [];
  const visit = (node: AstNode): void => {
    ids.set(node, ids.size);
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('$')) continue;
      const items: unknown[] = Array.isArray(v) ? v : [v];
      fields[k] = items.map((x) => (isAstNode(x) ? `node` : x));
    }
    astNodes.push({
      type: node.$type, fields, containerProperty: node.$containerProperty, containerIndex: node.$containerIndex,
      container: node.$container ? ids.get(node.$container) : undefined, cst: node.$cstNode && [node.$cstNode.offset, node.$cstNode.length],
      cstBacklink: node.$cstNode?.astNode === node,
    });
    for (const v of Object.entries(node).filter(([k]) => !k.startsWith('$')).flatMap(([, v]) => (Array.isArray(v) ? v : [v]))) {
      if (isAstNode(v)) visit(v);
    }
  };
  visit(r.value);
  const cst = (n: CstNode): unknown => {
    const content = (n as { content?: CstNode[] }).content;
    const leaf = isLeafCstNode(n) ? [n.tokenType.name, n.text, n.end, n.astNode.$type, n.root === r.value.$cstNode] : undefined;
    return [n.offset, n.length, n.hidden, n.range, leaf, n.grammarSource?.$type, n.grammarSource?.$cstNode?.offset, content?.map(cst)];
  };
  return {
    astNodes, cst: r.value.$cstNode && cst(r.value.$cstNode),
    parserErrors: r.parserErrors.map((e) => [e.name, e.message, e.token.startOffset, e.token.image]),
    lexerErrors: r.lexerErrors.map((e) => [e.offset, e.length, e.message]),
  };
}

// Tokens and comments spanning lines, comments before, inside and after blocks: where leaf ranges differ
// from a token's start line.
const MULTI_LINE = '// head\npipeline p "d" { /* a\n b */\n  step a: sql {\n    query """select 1\n  from t""" # tail\n  }\n}\n/* end\n*/';

describe('MLPipeParser', () => {
  test('is the parser the services use', () => {
    expect(ours).toBeInstanceOf(MLPipeParser);
  });

  test('gives the same AST, CST and errors as Langium\'s own parser on samples, a generated pipeline and 300 mutations', () => {
    const rand = prng(7);
    const texts = [...samples, generatePipeline(60), 'pipeline p {\n  step a: python {\n    inputs [x.y >= 3, a.b.c, q@alias, v.*]\n  }\n}\n', '', '/* only a comment */\n', MULTI_LINE, MULTI_LINE.replace(/\n/g, '\r\n'), MULTI_LINE.replace(/\n/g, '\r')];
    for (let i = 0; i < 300; i++) texts.push(mutate(samples[i % samples.length], rand));
    let withErrors = 0;
    for (const text of texts) {
      const a = ours.parse(text);
      const b = stock.parse(text);
      if (a.parserErrors.length) withErrors++;
      expect(describeParse(a), text).toEqual(describeParse(b));
    }
    // The mutations must reach error recovery, or half of the comparison is missing.
    expect(withErrors).toBeGreaterThan(100);
    // ~10 s alone; twice the suite's 30 s when the machine is loaded (seen at load 11).
  }, 120_000);

  test('makes each lexer token its own CST leaf, comments included', () => {
    const text = MULTI_LINE;
    const r = ours.parse(text);
    const leaves = CstUtils.flattenCst(r.value.$cstNode!).toArray();
    expect(leaves.length).toBeGreaterThan(15);
    expect(leaves.every((l) => l instanceof TokenLeaf)).toBe(true);
    expect(leaves.filter((l) => l.hidden).map((l) => l.text)).toEqual(['// head', '/* a\n b */', '# tail', '/* end\n*/']);
    // A token that already is a leaf is not adopted twice: a second leaf is a copy.
    const token = leaves.find((l) => !l.hidden)! as TokenLeaf;
    expect(token.adopt(false)).toBe(false);
  });
});
