import type { AstNode } from 'langium';
import { GrammarUtils, type CompositeCstNode } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import * as ast from '../generated/ast.js';
import type { NodeKind } from '../model/pipeline-model.js';
import { blockSpec, type BlockSpec } from '../schema/property-schema.js';

export type Block = ast.Source | ast.FeatureView | ast.TrainingSet | ast.Step | ast.Model | ast.Deployment | ast.Monitor;
export type AnyBlock = Block | ast.Target;

const KIND_BY_TYPE: Record<string, NodeKind> = {
  Source: 'source', FeatureView: 'features', TrainingSet: 'training_set', Step: 'step', Model: 'model',
  Deployment: 'deploy', Monitor: 'monitor',
};

export function isBlock(node: AstNode): node is Block {
  return node.$type in KIND_BY_TYPE;
}

export function blockKind(node: Block): NodeKind {
  return KIND_BY_TYPE[node.$type];
}

/** The keyword and (for steps and targets) kind that select the block's property schema. */
export function specOf(node: AnyBlock): BlockSpec | undefined {
  if (ast.isStep(node)) return blockSpec('step', node.kind);
  if (ast.isTarget(node)) return blockSpec('target', node.kind);
  return blockSpec(blockKind(node));
}

export function propsOf(node: AnyBlock): ast.Property[] {
  return node.props;
}

export function findProp(node: AnyBlock, key: string): ast.Property | undefined {
  return node.props.find((p) => p.key === key);
}

const EMPTY: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function rangeOf(node: AstNode | undefined): Range {
  return node?.$cstNode?.range ?? EMPTY;
}

/** Range of a property (e.g. `name`, `kind`, `key`) of an AST node, or of the whole node. */
export function propertyRange(node: AstNode, property: string, index?: number): Range {
  const cst = node.$cstNode;
  if (!cst) return EMPTY;
  if (index === undefined) return GrammarUtils.findNodeForProperty(cst, property)?.range ?? cst.range;
  return GrammarUtils.findNodesForProperty(cst, property)[index]?.range ?? cst.range;
}

export function nameRange(node: AstNode): Range {
  const name = (node as { name?: unknown }).name;
  return typeof name === 'string' ? childRange(node, name) ?? propertyRange(node, 'name') : propertyRange(node, 'name');
}

/**
 * Range of the first direct CST child with this text. The header of a block is `keyword name ...`, so
 * this finds a name without Langium's grammar lookups, which cost more than the rest of the
 * symbol table on large files.
 */
export function childRange(node: AstNode, text: string): Range | undefined {
  const cst = node.$cstNode;
  if (!cst || !('content' in cst)) return undefined;
  for (const child of (cst as CompositeCstNode).content) {
    // Length first: `text` walks up to the root and copies a substring on every call.
    if (!child.hidden && child.length === text.length && child.text === text && child.astNode === node) return child.range;
  }
  return undefined;
}

/** The pipeline's members and the file's top-level targets, in file order. */
export function allTargets(doc: ast.Document): ast.Target[] {
  const inPipelines = doc.pipelines.flatMap((p) => p.members.filter(ast.isTarget));
  return [...doc.targets, ...inPipelines].sort((a, b) => (a.$cstNode?.offset ?? 0) - (b.$cstNode?.offset ?? 0));
}
