import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyze } from '../../../language-server/analysis/analysis.js';
import { parse, services } from '../language/parse-helper.js';
import { mutate, prng } from './mutate.js';

const samples = readdirSync('samples').flatMap((d) => readdirSync(join('samples', d)).filter((f) => f.endsWith('.mlpipe')).map((f) => readFileSync(join('samples', d, f), 'utf8')));
const lsp = services.MLPipe.lsp;
const MUTATIONS = 2000;

describe('fuzz: mutated samples', () => {
  test(`${MUTATIONS} mutations never crash parser, validator, model, formatter or providers`, async () => {
    const rand = prng(20261126);
    let withErrors = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const text = mutate(samples[i % samples.length], rand);
      const label = `mutation ${i}:\n${text}`;
      try {
        const { doc, root, diagnostics } = await parse(text);
        if (diagnostics.some((d) => d.severity === 1)) withErrors++;
        // Langium turns a validator exception into a diagnostic instead of crashing: still a bug.
        const internal = diagnostics.find((d) => String(d.message).startsWith('An error occurred'));
        if (internal) throw new Error(String(internal.message));
        const model = analyze(root).model;
        JSON.stringify(model);
        const uri = doc.uri.toString();
        const offset = Math.floor(rand() * (text.length + 1));
        const position = doc.textDocument.positionAt(offset);
        await lsp.Formatter!.formatDocument(doc, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
        await lsp.CompletionProvider!.getCompletion(doc, { textDocument: { uri }, position });
        await lsp.HoverProvider!.getHoverContent(doc, { textDocument: { uri }, position });
        await lsp.DefinitionProvider!.getDefinition(doc, { textDocument: { uri }, position });
        await lsp.ReferencesProvider!.findReferences(doc, { textDocument: { uri }, position, context: { includeDeclaration: true } });
        await lsp.DocumentSymbolProvider!.getSymbols(doc, { textDocument: { uri } });
        await lsp.SemanticTokenProvider!.semanticHighlight(doc, { textDocument: { uri } });
        await lsp.CodeActionProvider!.getCodeActions(doc, { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics } });
        try {
          await lsp.RenameProvider!.rename(doc, { textDocument: { uri }, position, newName: 'renamed_x' });
        } catch (e) {
          // A refused rename is an answer (a ResponseError), not a crash.
          if (!(e instanceof Error) || !/already declared|not a valid name/.test(e.message)) throw e;
        }
        services.shared.workspace.LangiumDocuments.deleteDocument(doc.uri);
      } catch (e) {
        throw new Error(`${label}\n\n${(e as Error).stack}`);
      }
    }
    // The mutations must actually break things, or the test proves little.
    expect(withErrors).toBeGreaterThan(MUTATIONS / 2);
  }, 300_000);
});
