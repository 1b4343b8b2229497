// The extension in a real extension host: activation, validation status and live diagnostics on the
// churn sample. Edits go through WorkspaceEdit (as a user's would) and are reverted after each test.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticCode, errorsOf, mlpipe, openEditor, positionOf, replaceFirst, revert, sampleUri, waitFor, waitForDiagnostics } from './helpers.js';

suite('churn sample: activation and diagnostics', () => {
  const churn = sampleUri('churn', 'churn.mlpipe');
  let editor: vscode.TextEditor;

  suiteSetup(async () => {
    editor = await openEditor(churn);
  });
  teardown(async () => revert(editor));

  test('activates on a .mlpipe file and its language server becomes ready', async () => {
    assert.equal(editor.document.languageId, 'mlpipe');
    const api = await mlpipe();
    assert.ok(api.activationMs >= 0 && api.activationMs < 5000, `activation took ${api.activationMs} ms`);
  });

  test('the server validates the sample without errors and the status bar says valid', async () => {
    const api = await mlpipe();
    // The custom request answers from the server's built document: proof that validation really ran.
    const result = await api.pipelineModel(churn);
    assert.equal(result.hasSyntaxErrors, false);
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 1), []);
    assert.ok(result.model.nodes.length > 0, 'the pipeline model has no nodes');
    await waitFor('status bar "valid"', () => (api.statusText() === '$(check) MLPipe: valid' ? true : undefined));
  });

  test('a misspelt reference gets unresolved-reference with "did you mean", and clears when fixed', async () => {
    const api = await mlpipe();
    const document = editor.document;
    // The first `from events` line is the features view's reference (the later one is inside SQL text).
    await replaceFirst(document, /^ {4}from events$/m, '    from evnts');
    const diagnostics = await waitForDiagnostics(churn, (ds) => ds.some((d) => diagnosticCode(d) === 'unresolved-reference'));
    const unresolved = diagnostics.filter((d) => diagnosticCode(d) === 'unresolved-reference');
    assert.equal(unresolved.length, 1, JSON.stringify(unresolved.map((d) => d.message)));
    const [diagnostic] = unresolved;
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic.message, /did you mean 'events'/);
    assert.equal(document.getText(diagnostic.range), 'evnts');
    assert.equal(diagnostic.range.start.line, positionOf(document, /^ {4}from evnts$/m).line);
    await waitFor('status bar "1 error"', () => (api.statusText() === '$(error) MLPipe: 1 error' ? true : undefined));

    await replaceFirst(document, /^ {4}from evnts$/m, '    from events');
    await waitForDiagnostics(churn, (ds) => errorsOf(ds).length === 0);
    await waitFor('status bar "valid" again', () => (api.statusText() === '$(check) MLPipe: valid' ? true : undefined));
  });
});
