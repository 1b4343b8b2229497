import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { BLOCK_SPECS } from '../../../language-server/schema/property-schema.js';
import { Codes } from '../../../language-server/validation/codes.js';

const doc = readFileSync('docs/language.md', 'utf8');

test('the language reference lists every diagnostic code', () => {
  expect(Object.values(Codes).filter((c) => !doc.includes(`\`${c}\``))).toEqual([]);
});

test('the language reference documents every property of every block kind', () => {
  const missing = BLOCK_SPECS.flatMap((s) => s.properties.filter((p) => !doc.includes(`\`${p.key}\``)).map((p) => `${s.id}.${p.key}`));
  expect(missing).toEqual([]);
});
