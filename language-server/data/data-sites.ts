import { CstUtils, type AstNode } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import * as ast from '../generated/ast.js';
import { isBlock, rangeOf } from '../analysis/blocks.js';

/**
 * Where data findings belong in the current text. Data checks take a while and finish after more
 * typing; their results are re-placed on the latest parse by identity (expectation id and text,
 * block and property, block and column name) instead of by stale positions.
 */
export class DataSites {
  private readonly expectations = new Map<string, { text: string; range: Range }>();
  private readonly blocks = new Map<string, AstNode & { props: ast.Property[] }>();

  constructor(root: ast.Document) {
    for (const m of root.pipelines[0]?.members ?? []) {
      if (!isBlock(m) || !m.name) continue;
      this.blocks.set(m.name, m);
      if (ast.isSource(m)) {
        m.expectations.forEach((e, i) => this.expectations.set(`${m.name}#${i}`, { text: e.check?.$cstNode?.text ?? '', range: rangeOf(e) }));
      }
    }
  }

  /** The expectation with this id, if it still reads the same. */
  expectation(id: string, text: string): Range | undefined {
    const e = this.expectations.get(id);
    return e && e.text === text ? e.range : undefined;
  }

  /** A property of a block (`path`, `schema`), or the block's name when the property is gone. */
  property(block: string, key: string): Range | undefined {
    const b = this.blocks.get(block);
    if (!b) return undefined;
    const p = b.props.find((x) => x.key === key);
    return p ? rangeOf(p) : undefined;
  }

  /** The first token in a block that spells this name (a column the data lacks). */
  name(block: string, name: string): Range | undefined {
    const cst = this.blocks.get(block)?.$cstNode;
    if (!cst) return undefined;
    for (const leaf of CstUtils.flattenCst(cst)) if (!leaf.hidden && leaf.text === name) return leaf.range;
    return undefined;
  }
}
