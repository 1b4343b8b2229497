import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { generatePipeline } from '../../../bench/generate-pipeline.js';
import type * as ast from '../../../language-server/generated/ast.js';
import { SymbolTable } from '../../../language-server/analysis/symbols.js';
import { toPipelineModel } from '../../../language-server/analysis/to-model.js';
import { mutate, prng } from '../fuzz/mutate.js';
import { services } from './parse-helper.js';

// The plain model is a contract (runtime, canvas, CLI). to-model.ts is tuned for speed (each property
// converted once, looked up by key); this pins its output on the samples, a generated pipeline and
// mutations of the samples (duplicate keys, half-typed values, missing names) to what it was before
// the tuning. A deliberate model change updates the digests with `npx vitest run -u`.
const samples = readdirSync('samples').flatMap((d) => readdirSync(join('samples', d)).filter((f) => f.endsWith('.mlpipe')).map((f) => readFileSync(join('samples', d, f), 'utf8')));

test('the model of samples, a generated pipeline and 200 mutations is unchanged', async () => {
  const rand = prng(11);
  const texts = [...samples, generatePipeline(40)];
  for (let i = 0; i < 200; i++) texts.push(mutate(samples[i % samples.length], rand));
  const digests = texts.map((text) => {
    const root = services.MLPipe.parser.LangiumParser.parse(text).value as ast.Document;
    const json = JSON.stringify(toPipelineModel(root, new SymbolTable(root)));
    return createHash('sha256').update(json).digest('hex').slice(0, 16);
  });
  await expect(digests.join('\n') + '\n').toMatchFileSnapshot('./__snapshots__/model-digests.txt');
});
