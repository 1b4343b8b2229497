import type { IToken } from 'chevrotain';
import { CompositeCstNodeImpl, CstNodeBuilder, RootCstNodeImpl, type GrammarAST, type CompositeCstNode, type CstNode, type LeafCstNodeImpl, type RootCstNode } from 'langium';
import { TokenLeaf } from './token-leaf.js';

type Composite = CompositeCstNodeImpl;

/**
 * Langium's CST builder (langium 4.4, lib/parser/cst-node-builder.js) building the same tree with
 * fewer objects.
 *
 * - Children of the composite nodes still open are kept on one shared stack (`pending`) and copied
 *   into an exact-size `content` array when their node closes. Langium pushes them into the node's
 *   own `content` (V8's first push reserves 17 slots) and copies that array when the node closes,
 *   so every composite node left a 17-slot array behind as garbage.
 * - A token of our lexer is its own leaf (token-leaf.ts) instead of being copied into a new one.
 * - Langium calls `addHiddenNodes` before every token with the comments in front of it, nearly
 *   always none; with none it still looks for a place to put them. Nothing to add, nothing to do.
 *
 * While a node is open its `content` is empty and its children are `pending[starts[d] ..
 * starts[d + 1])` (up to `top` for the innermost), `d` being its depth on `stack`. The root keeps
 * its children in its own `content`, as Langium's does. Nothing reads an open node's `content`
 * while the parser runs except this builder; the differential test (test/unit/parser/
 * mlpipe-parser.test.ts) compares the finished tree with Langium's, comments and error recovery
 * included.
 */
export class MLPipeCstNodeBuilder extends CstNodeBuilder {
  private root: RootCstNodeImpl = new RootCstNodeImpl('');
  /** Open nodes, outermost first; the root (while open) at 0. */
  private stack: Composite[] = [];
  /** Where each open node's children start in `pending`; unused (-1) for the root. */
  private starts: number[] = [];
  private pending: Array<CstNode | undefined> = [];
  private top = 0;

  override get current(): Composite {
    return this.stack[this.stack.length - 1] ?? this.root;
  }

  override buildRootNode(input: string): RootCstNode {
    this.root = new RootCstNodeImpl(input);
    this.stack = [this.root];
    this.starts = [-1];
    this.pending.fill(undefined, 0, this.top);
    this.top = 0;
    return this.root;
  }

  override buildCompositeNode(feature: GrammarAST.AbstractElement): CompositeCstNode {
    const node = new CompositeCstNodeImpl();
    node.grammarSource = feature;
    this.appendChild(this.current, node);
    this.stack.push(node);
    this.starts.push(this.top);
    return node;
  }

  protected override createLeafNode(token: IToken, hidden: boolean): LeafCstNodeImpl {
    // The declared return type is Langium's class; TokenLeaf has the same public surface (LeafCstNode).
    if (token instanceof TokenLeaf && token.adopt(hidden)) return token as unknown as LeafCstNodeImpl;
    return super.createLeafNode(token, hidden);
  }

  override appendChild(parent: CompositeCstNode, child: CstNode): void {
    (child as { container?: CompositeCstNode }).container = parent;
    const depth = this.stack.length - 1;
    if (depth > 0 && this.stack[depth] === parent) {
      if (this.top === this.pending.length) this.pending.push(child);
      else this.pending[this.top] = child;
      this.top++;
    } else {
      this.insertChildren(parent, this.childCount(parent), [child]);
    }
  }

  override appendChildren(parent: CompositeCstNode, children: CstNode[]): void {
    this.insertChildren(parent, this.childCount(parent), children);
  }

  override insertChildren(parent: CompositeCstNode, index: number, children: CstNode[]): void {
    for (const child of children) (child as { container?: CompositeCstNode }).container = parent;
    const depth = this.openDepth(parent);
    if (depth < 0) {
      // Langium's own: a fresh exact-size array for an empty node.
      const target = parent as Composite;
      if (target.content.length === 0) target.content = children.slice();
      else target.content.splice(index, 0, ...children);
      return;
    }
    this.pending.splice(this.starts[depth] + index, 0, ...children);
    this.shift(depth, children.length);
  }

  override removeNode(node: CstNode): void {
    const parent = node.container;
    if (!parent) return;
    const depth = this.openDepth(parent);
    if (depth < 0) {
      const index = parent.content.indexOf(node);
      if (index >= 0) (parent as Composite).content.splice(index, 1);
      return;
    }
    const index = this.pending.indexOf(node, this.starts[depth]);
    if (index < 0 || index >= this.end(depth)) return;
    this.pending.splice(index, 1);
    this.shift(depth, -1);
  }

  /** Langium's `addHiddenNodes`, with the same placement: see the class comment for why it returns early. */
  override addHiddenNodes(tokens: IToken[]): void {
    if (!tokens.length) return;
    const nodes = tokens.map((token) => this.createLeafNode(token, true));
    let current: CompositeCstNode = this.current;
    // Inside a node that has content already: after it.
    if (this.childCount(current) > 0) {
      this.appendChildren(current, nodes);
      return;
    }
    // At a new node: in front of the first enclosing node that is not the first child of its parent.
    while (current.container) {
      const index = this.indexOf(current.container, current);
      if (index > 0) {
        this.insertChildren(current.container, index, nodes);
        return;
      }
      current = current.container;
    }
    this.insertChildren(this.root, 0, nodes);
  }

  override construct(item: { $type: string | symbol | undefined; $cstNode: CstNode; $infixName?: string }): void {
    const node = this.current;
    item.$cstNode = node;
    if (this.stack.length === 0) return;
    this.stack.pop();
    const start = this.starts.pop()!;
    if (start < 0) {
      // The root: its children are in its own content, as in Langium.
      if (node.content.length === 0) this.removeNode(node);
      else node.content = node.content.slice();
      return;
    }
    if (this.top === start) {
      this.removeNode(node);
      return;
    }
    node.content = this.pending.slice(start, this.top) as CstNode[];
    // Drop the references, so the stack does not keep the previous parse's tree alive.
    this.pending.fill(undefined, start, this.top);
    this.top = start;
  }

  /** The depth of `node` on the stack if it is an open node other than the root, else -1. */
  private openDepth(node: CompositeCstNode): number {
    for (let d = this.stack.length - 1; d > 0; d--) if (this.stack[d] === node) return d;
    return -1;
  }

  /** The end (exclusive) in `pending` of the children of the open node at `depth`. */
  private end(depth: number): number {
    return depth + 1 < this.stack.length ? this.starts[depth + 1] : this.top;
  }

  private childCount(node: CompositeCstNode): number {
    const depth = this.openDepth(node);
    return depth < 0 ? node.content.length : this.end(depth) - this.starts[depth];
  }

  private indexOf(parent: CompositeCstNode, child: CstNode): number {
    const depth = this.openDepth(parent);
    if (depth < 0) return parent.content.indexOf(child);
    const index = this.pending.indexOf(child, this.starts[depth]);
    return index < 0 || index >= this.end(depth) ? -1 : index - this.starts[depth];
  }

  /** Moves the children of the open nodes deeper than `depth` (and the end) by `by` places. */
  private shift(depth: number, by: number): void {
    for (let d = depth + 1; d < this.stack.length; d++) this.starts[d] += by;
    this.top += by;
  }
}
