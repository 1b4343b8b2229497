import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CstUtils, DefaultValueConverter } from 'langium';
import { expect, test } from 'vitest';
import { MLPipeValueConverter } from '../../../language-server/parser/value-converter.js';
import { services } from '../language/parse-helper.js';

const samples = readdirSync('samples').flatMap((d) => readdirSync(join('samples', d)).filter((f) => f.endsWith('.mlpipe')).map((f) => readFileSync(join('samples', d, f), 'utf8')));
const extra = 'pipeline p {\n  param s = "a \\"quoted\\" word\\n\\ttab \\\\ back"\n  param e = ""\n  param n = -1.5e3\n  param d = 30d\n  param z = 16GiB\n  param b = true\n  step a: sql { query """select 1""" gate auc >= 0.8 }\n}\n';

test('MLPipeValueConverter converts every token of the samples as Langium\'s converter does', () => {
  const ours = services.MLPipe.parser.ValueConverter;
  expect(ours).toBeInstanceOf(MLPipeValueConverter);
  const stock = new DefaultValueConverter();
  let strings = 0;
  for (const text of [...samples, extra]) {
    const root = services.MLPipe.parser.LangiumParser.parse(text).value;
    for (const leaf of CstUtils.flattenCst(root.$cstNode!)) {
      if (leaf.hidden) continue;
      // Convert twice: the second call goes through the per-rule cache.
      expect(ours.convert(leaf.text, leaf)).toEqual(stock.convert(leaf.text, leaf));
      expect(ours.convert(leaf.text, leaf)).toEqual(stock.convert(leaf.text, leaf));
      if (leaf.text.startsWith('"')) strings++;
    }
  }
  expect(strings).toBeGreaterThan(20);
});
