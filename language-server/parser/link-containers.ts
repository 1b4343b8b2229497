import { isAstNode, type AstNode, type Mutable } from 'langium';

/**
 * Sets `$container`, `$containerProperty` and (for list items) `$containerIndex` on every AST node
 * under `node`, as Langium's `AstUtils.linkContentToContainer(node, { deep: true })` does, without
 * allocating: `for...in` over a plain object uses V8's enum cache, where `Object.entries` builds an
 * array of pairs per node.
 */
export function linkContainers(node: AstNode): void {
  const fields = node as unknown as Record<string, unknown>;
  for (const name in fields) {
    if (name.charCodeAt(0) === 36 /* $ */) continue;
    const value = fields[name];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (!isAstNode(item)) continue;
        const child: Mutable<AstNode> = item;
        child.$container = node;
        child.$containerProperty = name;
        child.$containerIndex = i;
        linkContainers(item);
      }
    } else if (isAstNode(value)) {
      const child: Mutable<AstNode> = value;
      child.$container = node;
      child.$containerProperty = name;
      linkContainers(value);
    }
  }
}
