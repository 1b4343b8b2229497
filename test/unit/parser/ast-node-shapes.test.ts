import { createLangiumParser, AstUtils, type AstNode } from 'langium';
import { expect, test } from 'vitest';
import { generatePipeline } from '../../../bench/generate-pipeline.js';
import { AstNodeShapes } from '../../../language-server/parser/ast-node-shapes.js';
import { services } from '../language/parse-helper.js';

test('a maker makes plain objects with only $type, from one constructor per type', () => {
  const shapes = new AstNodeShapes();
  const step = shapes.maker('Step');
  const a = step();
  const b = shapes.maker('Step')();
  const ref = shapes.maker('Ref')();
  expect(a).toEqual({ $type: 'Step' });
  expect(Object.keys(a)).toEqual(['$type']);
  expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
  expect(a.constructor).toBe(Object);
  expect(JSON.stringify(ref)).toBe('{"$type":"Ref"}');
  // Per type: one V8 initial map (and slack-tracked size) per constructor.
  expect(Object.getOwnPropertyDescriptor(a, '$type')).toEqual({ value: 'Step', writable: true, enumerable: true, configurable: true });
  expect(b).not.toBe(a);
  expect(shapes['byType'].size).toBe(2);
});

test('the parser\'s AST nodes are plain objects with the same properties in the same order as Langium\'s own parser gives', () => {
  const text = generatePipeline(40);
  const ours = [...AstUtils.streamAst(services.MLPipe.parser.LangiumParser.parse(text).value)];
  const stock = [...AstUtils.streamAst(createLangiumParser(services.MLPipe).parse(text).value)];
  expect(ours.length).toBe(stock.length);
  const own = (n: AstNode) => Object.keys(n).filter((k) => !k.startsWith('$') || k === '$type');
  for (let i = 0; i < ours.length; i++) {
    expect(Object.getPrototypeOf(ours[i])).toBe(Object.prototype);
    expect(own(ours[i])).toEqual(own(stock[i]));
  }
  expect(new Set(ours.map((n) => n.$type)).size).toBeGreaterThan(10);
});
