import type { AstNode } from 'langium';
import { expect, test } from 'vitest';
import { linkChild, relinkChildren } from '../../../language-server/parser/link-containers.js';

test('relinkChildren points the children a merged node took over at that node, with their new list positions', () => {
  const placeholder = { $type: 'Check' } as AstNode;
  const merged = { $type: 'ColumnCheck' } as AstNode & { items: AstNode[]; single: AstNode; name: string };
  const a = { $type: 'Ref' } as AstNode;
  const b = { $type: 'Ref' } as AstNode;
  const c = { $type: 'Ref' } as AstNode;
  linkChild(placeholder, 'items', a, 0);
  linkChild(merged, 'items', b, 0);
  linkChild(placeholder, 'single', c, undefined);
  // What Langium's assignWithoutOverride leaves: the placeholder's list items first, then the merged node's.
  Object.assign(merged, { items: [a, b], single: c, name: 'x' });
  relinkChildren(merged, ['$type', 'items', 'single', 'name']);
  expect([a.$container, a.$containerProperty, a.$containerIndex]).toEqual([merged, 'items', 0]);
  expect([b.$container, b.$containerProperty, b.$containerIndex]).toEqual([merged, 'items', 1]);
  expect([c.$container, c.$containerProperty, '$containerIndex' in c]).toEqual([merged, 'single', false]);
});
