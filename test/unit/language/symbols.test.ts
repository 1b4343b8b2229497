import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type * as ast from '../../../language-server/generated/ast.js';
import { enclosingBlock, SymbolTable } from '../../../language-server/analysis/symbols.js';
import { mutate, prng } from '../fuzz/mutate.js';
import { services } from './parse-helper.js';

const samples = readdirSync('samples').flatMap((d) => readdirSync(join('samples', d)).filter((f) => f.endsWith('.mlpipe')).map((f) => readFileSync(join('samples', d, f), 'utf8')));

// The symbol table records each reference's block while collecting, instead of walking up from the
// reference later (dependencies, cycle and leakage checks): it must be the same block.
test('every reference\'s owner is its enclosing block, in samples and 200 mutations', () => {
  const rand = prng(11);
  const texts = [...samples, ...Array.from({ length: 200 }, (_, i) => mutate(samples[i % samples.length], rand))];
  let references = 0;
  for (const text of texts) {
    const root = services.MLPipe.parser.LangiumParser.parse<ast.Document>(text).value;
    for (const r of new SymbolTable(root).references) {
      expect(r.owner).toBe(enclosingBlock(r.ref));
      references++;
    }
  }
  expect(references).toBeGreaterThan(1000);
});
