import { isAstNode, type AstNode, type Mutable } from 'langium';

/**
 * Sets `$container`, `$containerProperty` and (for list items) `$containerIndex` on `child` as
 * Langium's `AstUtils.linkContentToContainer` would after the parse: called by the parser when it
 * assigns a node to its container's property, so no second walk over the finished AST is needed.
 * `index` is the child's position for a `+=` list, undefined for `=`.
 */
export function linkChild(container: AstNode, property: string, child: AstNode, index: number | undefined): void {
  const linked: Mutable<AstNode> = child;
  linked.$container = container;
  linked.$containerProperty = property;
  if (index !== undefined) linked.$containerIndex = index;
}

/**
 * Links the direct children of `node` in the given properties again: after Langium merges the node
 * of an unassigned rule call into the node that called it (`assignWithoutOverride`), the children it
 * took over still name the old node as container, and list items may have moved.
 */
export function relinkChildren(node: AstNode, properties: Iterable<string>): void {
  const fields = node as unknown as Record<string, unknown>;
  for (const name of properties) {
    if (name.charCodeAt(0) === 36 /* $ */) continue;
    const value = fields[name];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (isAstNode(item)) linkChild(node, name, item, i);
      }
    } else if (isAstNode(value)) {
      linkChild(node, name, value, undefined);
    }
  }
}
