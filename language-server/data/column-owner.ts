import type { AstNode } from 'langium';
import * as ast from '../generated/ast.js';
import { enclosingBlock } from '../analysis/symbols.js';

/**
 * The block whose data holds a column named at this AST position: a source for its own columns, the
 * `from` of a feature view, the `labels` of a training set. Undefined when the name is not a column.
 */
export function columnOwner(node: AstNode): string | undefined {
  const block = enclosingBlock(node);
  if (!block || ast.isParam(block) || ast.isTarget(block)) return undefined;
  const refName = (key: string) => {
    const v = block.props.find((p) => p.key === key)?.value;
    return ast.isRef(v) ? v.path[0] : undefined;
  };
  if (ast.isSource(block)) {
    const inExpectation = !!findUp(node, ast.isExpectation) && !ast.isRef(node);
    const schemaKey = ast.isMapEntry(node) && isSchemaKey(node);
    return inExpectation || schemaKey || isColumnRef(node, ['timestamp']) ? block.name : undefined;
  }
  if (ast.isFeatureView(block)) {
    return isColumnRef(node, ['entity', 'timestamp', 'created']) ? block.name : undefined;
  }
  if (ast.isTrainingSet(block)) {
    return isColumnRef(node, ['entity', 'label_time', 'label']) ? refName('labels') : undefined;
  }
  return undefined;
}

function isSchemaKey(e: ast.MapEntry): boolean {
  const prop = e.$container?.$container;
  return ast.isProperty(prop) && prop.key === 'schema';
}

/** A bare name (or a name in a list) that is the value of one of these column-valued properties. */
function isColumnRef(node: AstNode, keys: string[]): boolean {
  if (!ast.isRef(node)) return false;
  const prop = findUp(node, ast.isProperty);
  return !!prop && keys.includes(prop.key);
}

function findUp<T extends AstNode>(node: AstNode | undefined, is: (n: AstNode) => n is T): T | undefined {
  for (let n = node; n; n = n.$container) if (is(n)) return n;
  return undefined;
}
