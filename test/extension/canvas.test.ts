// The canvas's entry points in a real extension host: the custom editor is registered for .mlpipe,
// the commands open it beside the text or in place, and the run-status API is there for runs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mlpipe, openEditor, sampleUri, waitFor } from './helpers.js';

const CANVAS = 'mlpipe.canvas';

function canvasTabs(uri: vscode.Uri): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === CANVAS && t.input.uri.toString() === uri.toString());
}

suite('canvas: custom editor and commands', () => {
  const churn = sampleUri('churn', 'churn.mlpipe');

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('"Open Canvas to the Side" opens the canvas beside the text editor', async () => {
    const api = await mlpipe();
    const editor = await openEditor(churn);
    await vscode.commands.executeCommand('mlpipe.openCanvasToSide');
    const [tab] = await waitFor('a canvas tab', () => (canvasTabs(churn).length ? canvasTabs(churn) : undefined));
    assert.notEqual(tab.group.viewColumn, editor.viewColumn, 'the canvas should open in another group');
    await waitFor('the canvas session', () => (api.canvas.openCanvases() === 1 ? true : undefined));
    // The text editor stays open: both views of one document.
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === churn.toString()));
  });

  test('"Open With…" (vscode.openWith) and "MLPipe: Open Canvas" open it in place', async () => {
    const api = await mlpipe();
    await vscode.commands.executeCommand('vscode.openWith', churn, CANVAS);
    await waitFor('a canvas tab', () => (canvasTabs(churn).length === 1 ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('no canvas session', () => (api.canvas.openCanvases() === 0 ? true : undefined));
    await vscode.commands.executeCommand('mlpipe.openCanvas', churn);
    await waitFor('a canvas tab', () => (canvasTabs(churn).length === 1 ? true : undefined));
  });

  test('the run status API accepts updates for an open canvas', async () => {
    const api = await mlpipe();
    await vscode.commands.executeCommand('mlpipe.openCanvas', churn);
    await waitFor('the canvas session', () => (api.canvas.openCanvases() === 1 ? true : undefined));
    api.canvas.showRunStatus(churn, { runId: 'r1', reset: true, nodes: { train: { state: 'running' } } });
    api.canvas.showRunStatus(churn, { runId: 'r1', nodes: { train: { state: 'succeeded', durationMs: 1200 } } });
    api.canvas.clearRunStatus(churn);
  });

  test('the canvas commands are contributed with the editor-title button', () => {
    const manifest = vscode.extensions.getExtension('mlpipe.mlpipe')!.packageJSON as {
      contributes: { customEditors: { viewType: string }[]; menus: Record<string, { command: string }[]> };
    };
    assert.deepEqual(manifest.contributes.customEditors.map((e) => e.viewType), [CANVAS]);
    assert.ok(manifest.contributes.menus['editor/title'].some((m) => m.command === 'mlpipe.openCanvasToSide'));
  });
});
