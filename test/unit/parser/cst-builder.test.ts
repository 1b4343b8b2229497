import type { IToken, TokenType } from 'chevrotain';
import { CstNodeBuilder, isCompositeCstNode, type CstNode, type GrammarAST } from 'langium';
import { expect, test } from 'vitest';
import { MLPipeCstNodeBuilder } from '../../../language-server/parser/cst-builder.js';
import { prng } from '../fuzz/mutate.js';

const TOKEN_TYPE = { name: 'T' } as TokenType;
const FEATURE = { $type: 'Keyword' } as GrammarAST.AbstractElement;

function token(offset: number): IToken {
  return { image: 'x', startOffset: offset, endOffset: offset, startLine: 1, startColumn: offset + 1, endLine: 1, endColumn: offset + 1, tokenType: TOKEN_TYPE, tokenTypeIdx: 1 };
}

/** The tree as nested lists: a leaf is its offset (negative when hidden), every child's container checked. */
function shape(node: CstNode): unknown {
  if (!isCompositeCstNode(node)) return node.hidden ? -node.offset - 1 : node.offset;
  for (const child of node.content) expect(child.container).toBe(node);
  return node.content.map(shape);
}

// The builder keeps the children of open nodes on a shared stack (cst-builder.ts); the parser's
// differential test rarely reaches some of its paths (comments at the start of nested nodes, empty
// nodes, actions re-parenting a closed node). Random call sequences, as the parser makes them,
// must give the tree Langium's builder gives.
test('MLPipeCstNodeBuilder builds the tree Langium\'s CstNodeBuilder builds from the same calls', () => {
  const rand = prng(11);
  for (let run = 0; run < 400; run++) {
    const builders = [new MLPipeCstNodeBuilder(), new CstNodeBuilder()];
    const roots = builders.map((b) => b.buildRootNode('x'.repeat(10_000)));
    let offset = 0;
    let depth = 0;
    const all = (f: (b: CstNodeBuilder) => void) => builders.forEach(f);
    for (let step = 0; step < 60; step++) {
      const r = rand();
      if (r < 0.3) {
        all((b) => b.buildCompositeNode(FEATURE));
        depth++;
      } else if (r < 0.55) {
        const o = offset++;
        all((b) => b.buildLeafNode(token(o), FEATURE));
      } else if (r < 0.7) {
        const n = 1 + Math.floor(rand() * 2);
        const first = offset;
        offset += n;
        all((b) => b.addHiddenNodes(Array.from({ length: n }, (_, i) => token(first + i))));
      } else if (r < 0.85 && depth > 0) {
        all((b) => b.construct({ $type: 'X', $cstNode: undefined as unknown as CstNode }));
        depth--;
      } else if (depth > 0) {
        // What LangiumParser.action does for `{infer X.left=current}`.
        all((b) => {
          const item = { $type: 'X', $cstNode: undefined as unknown as CstNode };
          b.construct(item);
          b.removeNode(item.$cstNode);
          const node = b.buildCompositeNode(FEATURE);
          b.appendChild(node, item.$cstNode);
        });
      }
    }
    for (; depth >= 0; depth--) all((b) => b.construct({ $type: 'X', $cstNode: undefined as unknown as CstNode }));
    const trailing = offset;
    all((b) => b.addHiddenNodes([token(trailing)]));
    expect(shape(roots[0])).toEqual(shape(roots[1]));
  }
});
