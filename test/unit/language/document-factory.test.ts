import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URI } from 'langium';
import { CancellationToken } from 'vscode-languageserver';
import { NodeFileSystem } from 'langium/node';
import { describe, expect, test } from 'vitest';
import type * as ast from '../../../language-server/generated/ast.js';
import { createMLPipeServices } from '../../../language-server/module.js';
import { MLPipeDocumentFactory } from '../../../language-server/workspace/document-factory.js';

describe('document factory', () => {
  test('a document changing to the text of a remembered parse takes that parse; any other text is parsed anew', async () => {
    const { shared, MLPipe } = createMLPipeServices(NodeFileSystem);
    const factory = shared.workspace.LangiumDocumentFactory;
    expect(factory).toBeInstanceOf(MLPipeDocumentFactory);
    if (!(factory instanceof MLPipeDocumentFactory)) return;
    const file = join(mkdtempSync(join(tmpdir(), 'mlpipe-factory-')), 'p.mlpipe');
    const churn = readFileSync('samples/churn/churn.mlpipe', 'utf8');
    writeFileSync(file, churn);
    const uri = URI.file(file);
    const doc = await factory.fromUri<ast.Document>(uri);
    const edited = churn.replace('step train:', 'step trainer:');
    const predicted = MLPipe.parser.LangiumParser.parse<ast.Document>(edited);

    factory.remember(uri.toString(), edited, predicted);
    writeFileSync(file, edited);
    await factory.update(doc, CancellationToken.None);
    expect(doc.parseResult === predicted, 'the remembered parse').toBe(true);
    expect(predicted.value.$document === doc, 'linked to its document').toBe(true);

    // Used once: the same text again (a reopened file) is parsed anew, as is a text other than the remembered one.
    factory.remember(uri.toString(), edited, MLPipe.parser.LangiumParser.parse(edited));
    writeFileSync(file, churn);
    await factory.update(doc, CancellationToken.None);
    expect(doc.parseResult.value.pipelines[0].members.some((m) => 'name' in m && m.name === 'train')).toBe(true);
    writeFileSync(file, edited);
    await factory.update(doc, CancellationToken.None);
    expect(doc.parseResult === predicted, 'a fresh parse').toBe(false);
    expect(doc.parseResult.value.pipelines[0].members.some((m) => 'name' in m && m.name === 'trainer')).toBe(true);
  }, 20_000);
});
