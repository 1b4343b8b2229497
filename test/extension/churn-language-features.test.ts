// Language features through VS Code's own command layer (vscode.execute*Provider), i.e. exactly what
// the editor asks the language client for: completion, hover, definition, outline, formatting.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mlpipe, openEditor, positionOf, revert, sampleUri } from './helpers.js';

const labelOf = (item: vscode.CompletionItem): string => (typeof item.label === 'string' ? item.label : item.label.label);

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

function symbolNames(symbols: (vscode.DocumentSymbol | vscode.SymbolInformation)[]): string[] {
  return symbols.flatMap((s) => [s.name, ...('children' in s ? symbolNames(s.children) : [])]);
}

suite('churn sample: language features', () => {
  const churn = sampleUri('churn', 'churn.mlpipe');
  let editor: vscode.TextEditor;

  suiteSetup(async () => {
    await mlpipe();
    editor = await openEditor(churn);
  });
  teardown(async () => revert(editor));

  test('completion inside a python step offers its properties, e.g. script', async () => {
    const document = editor.document;
    const at = positionOf(document, /^ {2}model churn_model/m);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(churn, at, '  step probe: python {\n    \n  }\n\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const inside = new vscode.Position(at.line + 1, 4);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', churn, inside);
    const labels = list.items.map(labelOf);
    assert.ok(labels.includes('script'), `no 'script' among ${JSON.stringify(labels)}`);
  });

  test('hover on the keyword source explains that it declares a data set', async () => {
    const position = positionOf(editor.document, /^ {2}source events/m, 4);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', churn, position);
    assert.ok(hovers.length > 0, 'no hover on `source`');
    assert.match(hoverText(hovers), /data set/i);
  });

  test('go to definition on `events` in `from events` lands on `source events`', async () => {
    const document = editor.document;
    const position = positionOf(document, /^ {4}from events$/m, 'from '.length + 5);
    const results = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', churn, position);
    assert.equal(results.length, 1, JSON.stringify(results));
    const [target] = results;
    const uri = 'targetUri' in target ? target.targetUri : target.uri;
    const range = 'targetUri' in target ? (target.targetSelectionRange ?? target.targetRange) : target.range;
    assert.equal(uri.toString(), churn.toString());
    assert.equal(range.start.line, positionOf(document, /^ {2}source events/m).line);
  });

  test('document symbols list every source, feature view, training set and step by name', async () => {
    // Expected names come from the text itself, so the test follows the sample as it evolves.
    const declared = [...editor.document.getText().matchAll(/^ {2}(?:source|features|training_set|step) (\w+)/gm)].map((m) => m[1]);
    assert.ok(declared.includes('events') && declared.includes('train'), `unexpected sample: ${JSON.stringify(declared)}`);
    const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>('vscode.executeDocumentSymbolProvider', churn);
    const names = symbolNames(symbols ?? []);
    for (const name of declared) assert.ok(names.includes(name), `outline lacks '${name}': ${JSON.stringify(names)}`);
  });

  test('format document restores the canonical layout of a mangled line', async () => {
    const document = editor.document;
    const canonical = document.getText();
    const line = positionOf(document, /^ {4}path "data\/customers.csv"$/m).line;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(churn, document.lineAt(line).range, '        path     "data/customers.csv"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.notEqual(document.getText(), canonical);

    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', churn, { tabSize: 2, insertSpaces: true });
    assert.ok(edits && edits.length > 0, 'the formatter returned no edits for a mangled document');
    const apply = new vscode.WorkspaceEdit();
    apply.set(churn, edits);
    assert.ok(await vscode.workspace.applyEdit(apply));
    assert.equal(document.getText(), canonical);
  });
});
