// The pipeline canvas as a user meets it: churn.mlpipe open as text with the canvas beside it. The
// steps share one workbench and build on each other; every step waits for what the screen shows.
// Screenshots of each state, in the dark and the light theme, go to artifacts/e2e/canvas-*.png.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { samplesDir } from '../../scripts/lib/paths.js';
import { canvasFrame, canvasNode, dragBetween, expectInText, focusCanvas, focusText, screenshotThemes, toHaveCount } from './canvas-page.js';
import { nodeHandles } from '../../webviews/canvas/flow/node-handles.js';
import type { CanvasNode } from '../../webviews/canvas/protocol.js';
import { expect } from './expect.js';
import { failureTracker, goToLine, openWorkbench, quickOpen, runCommand, statusBarItem, type Workbench } from './workbench.js';

const CHURN = readFileSync(join(samplesDir, 'churn', 'churn.mlpipe'), 'utf8').split('\n');
const BLOCKS = CHURN.filter((l) => /^ {2}(source|features|training_set|step|model|deploy|monitor) /.test(l)).length;
/** 1-based line of the first line matching `re`. */
function lineOf(re: RegExp): number {
  const i = CHURN.findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`samples/churn/churn.mlpipe has no line matching ${re}: update this test`);
  return i + 1;
}
const STEP = { timeout: 120_000 };

describe('the pipeline canvas on churn.mlpipe', () => {
  let workbench: Workbench;
  let page: Page;
  let canvas: FrameLocator;
  const tracker = failureTracker();
  const step = tracker.step;

  before(async () => {
    workbench = await openWorkbench({
      name: 'canvas',
      settings: {
        'workbench.colorTheme': 'Default Dark Modern',
        // Room for the text and the canvas side by side.
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        // Typed text lands exactly as typed.
        'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoIndent': 'none',
      },
    });
    page = workbench.page;
    canvas = canvasFrame(page);
  });
  after(async () => workbench?.close(tracker.failed));

  it('"MLPipe: Open Canvas to the Side" draws one node per block', STEP, step(async () => {
    await quickOpen(page, 'churn.mlpipe');
    await expect(statusBarItem(page, 'MLPipe: valid')).toBeVisible(60_000);
    await runCommand(page, 'MLPipe: Open Canvas to the Side');
    await toHaveCount(canvas.locator('[data-node-id]'), BLOCKS, 60_000);
    await expect(canvas.locator('.react-flow__edge').first()).toBeVisible();
    // The positions came from the host with the graph; the webview loaded no script but its bundle (no ELK).
    const loaded = await canvas.locator('body').evaluate(() => ({
      layout: performance.getEntriesByName('mlpipe:layout').length,
      scripts: performance.getEntriesByType('resource').filter((r) => (r as PerformanceResourceTiming).initiatorType === 'script').map((r) => new URL(r.name).pathname.split('/').pop()),
    }));
    if (loaded.layout !== 1) throw new Error(`expected one layout from the host, got ${loaded.layout}`);
    if (loaded.scripts.some((s) => s !== 'canvas.js')) throw new Error(`the canvas loaded scripts besides its bundle: ${loaded.scripts.join(', ')}`);
    await screenshotThemes(workbench, '01-opened');
  }));

  it('handles are drawn where the canvas computes them (edges of off-screen nodes use the computed ones)', STEP, step(async () => {
    const drawn = await canvas.locator('.react-flow__viewport').evaluate((viewport) => {
      const zoom = Number(/scale\(([\d.]+)\)/.exec((viewport as HTMLElement).style.transform)?.[1] ?? 1);
      return [...viewport.querySelectorAll<HTMLElement>('.react-flow__node')].map((n) => {
        const box = n.getBoundingClientRect();
        const inner = n.querySelector<HTMLElement>('[data-node-id]')!;
        return {
          kind: inner.dataset.kind!,
          outputs: [...inner.querySelectorAll('.mp-output > span')].map((o) => o.textContent ?? ''),
          handles: [...n.querySelectorAll<HTMLElement>('.react-flow__handle')].map((h) => {
            const b = h.getBoundingClientRect();
            return { id: h.dataset.handleid!, x: (b.left - box.left) / zoom, y: (b.top - box.top) / zoom };
          }),
        };
      });
    });
    if (!drawn.length) throw new Error('no nodes drawn');
    for (const node of drawn) {
      const computed = nodeHandles({ kind: node.kind as CanvasNode['kind'], outputs: node.outputs });
      if (computed.length !== node.handles.length) throw new Error(`${node.kind}: ${node.handles.length} handles drawn, ${computed.length} computed`);
      for (const h of node.handles) {
        const c = computed.find((x) => x.id === h.id);
        if (!c || Math.abs(c.x - h.x) > 1 || Math.abs(c.y - h.y) > 1) {
          throw new Error(`${node.kind} handle ${h.id} drawn at ${h.x},${h.y}, computed ${c ? `${c.x},${c.y}` : 'none'}`);
        }
      }
    }
  }));

  it('dragging a python step from the palette adds its block to the text', STEP, step(async () => {
    await canvas.getByTestId('palette-step-python').dragTo(canvas.locator('.react-flow__pane'), { targetPosition: { x: 120, y: 80 } });
    await expect(canvasNode(canvas, 'python_1')).toBeVisible();
    await expectInText(page, 'step python_1: python {', 1);
    await screenshotThemes(workbench, '02-dropped');
  }));

  it('connecting two nodes changes the inputs line', STEP, step(async () => {
    await dragBetween(page, canvasNode(canvas, 'events').locator('.react-flow__handle.source'), canvasNode(canvas, 'python_1').locator('.react-flow__handle.target'));
    await expect(canvas.locator('[data-testid="rf__edge-events|out|python_1|input"]')).toBeVisible();
    await expectInText(page, 'inputs [events]', 1);
    await screenshotThemes(workbench, '03-connected');
  }));

  it('Ctrl+Z in the canvas undoes the connection, then the new block: text and canvas go back', STEP, step(async () => {
    await focusCanvas(canvas);
    await page.keyboard.press('Control+Z');
    await expect(canvas.locator('[data-testid="rf__edge-events|out|python_1|input"]')).toBeHidden();
    await expectInText(page, 'inputs [events]', 0);
    await focusCanvas(canvas);
    await page.keyboard.press('Control+Z');
    await expect(canvasNode(canvas, 'python_1')).toBeHidden();
    await expectInText(page, 'python_1', 0);
    await toHaveCount(canvas.locator('[data-node-id]'), BLOCKS);
    await screenshotThemes(workbench, '04-undone');
  }));

  it('typing a block in the text adds its node to the canvas', STEP, step(async () => {
    await focusText(page);
    await goToLine(page, lineOf(/^ {2}deploy /), 1);
    await page.keyboard.type('  source typed_in { path "t.csv" }');
    await page.keyboard.press('Enter');
    await expect(canvasNode(canvas, 'typed_in')).toBeVisible();
    await toHaveCount(canvas.locator('[data-node-id]'), BLOCKS + 1);
    await screenshotThemes(workbench, '05-typed');
  }));

  it('the cursor in the text selects its node (brought into view); clicking a node selects its block in the text', STEP, step(async () => {
    await focusText(page);
    await goToLine(page, lineOf(/^ {2}deploy /), 5);
    await expect(canvas.locator('[data-node-id="typed_in"].mp-selected')).toBeVisible();
    // In view: the canvas centred typed_in, which sits below the sources, next to the feature views.
    await canvasNode(canvas, 'activity').click();
    await expect(canvas.locator('[data-node-id="activity"].mp-selected')).toBeVisible();
    // Beside the text the canvas is narrow: the form opens on demand, over the graph.
    await canvas.getByTitle('Properties of the selected node').click();
    await expect(canvas.getByTestId('side-form').locator('h2', { hasText: 'activity' })).toBeVisible();
    // The status bar shows the text editor's selection once that editor is the active one again.
    await focusText(page);
    await expect(statusBarItem(page, new RegExp(`Ln ${lineOf(/^ {2}features activity /)}, Col 3 \\(\\d+ selected\\)`))).toBeVisible();
    await screenshotThemes(workbench, '06-selected');
  }));

  it('double-click renames everywhere; Delete asks first when other nodes read the node', STEP, step(async () => {
    const closeForm = () => canvas.getByLabel('Close the properties').click();
    await closeForm();
    await expect(canvas.getByTestId('side-form')).toBeHidden();
    await canvasNode(canvas, 'typed_in').locator('.mp-node-name').dblclick();
    const rename = canvas.getByLabel('Rename typed_in');
    await rename.fill('typed_source');
    await rename.press('Enter');
    await expect(canvasNode(canvas, 'typed_source')).toBeVisible();
    await expectInText(page, 'source typed_source {', 1);

    await canvasNode(canvas, 'events').click();
    await page.keyboard.press('Delete');
    const dialog = page.locator('.monaco-dialog-box', { hasText: "'activity', 'churn_drift' read from it" });
    await expect(dialog).toBeVisible();
    await workbench.screenshot('07-confirm-delete-dark');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();

    await canvasNode(canvas, 'typed_source').click();
    await page.keyboard.press('Delete');
    await expect(canvasNode(canvas, 'typed_source')).toBeHidden();
    await expectInText(page, 'typed_source', 0);
    await toHaveCount(canvas.locator('[data-node-id]'), BLOCKS);
  }));

  it('a syntax error shows the banner and the graph stays', STEP, step(async () => {
    await focusText(page);
    await goToLine(page, lineOf(/^ {2}deploy /), 1);
    // One character the lexer rejects: one keystroke, so one Ctrl+Z takes it back.
    await page.keyboard.type('%');
    await expect(canvas.getByTestId('syntax-banner')).toBeVisible();
    await toHaveCount(canvas.locator('[data-node-id]'), BLOCKS);
    await screenshotThemes(workbench, '08-syntax-error');
    await focusText(page);
    await page.keyboard.press('Control+Z');
    await expect(canvas.getByTestId('syntax-banner')).toBeHidden();
    await expect(statusBarItem(page, 'MLPipe: valid')).toBeVisible();
  }));

  it('a reference broken in the text gets an error badge on its node (diagnostics come after the graph); undo clears it', STEP, step(async () => {
    const badge = canvasNode(canvas, 'activity').locator('.mp-badge-error');
    await expect(badge).toBeHidden();
    await focusText(page);
    await goToLine(page, lineOf(/^ {4}from events$/), '    from events'.length + 1);
    await page.keyboard.type('x');
    await expect(canvasNode(canvas, 'activity').locator('.mp-badge-error[title*="\'eventsx\'"]')).toBeVisible();
    await expect(canvas.getByTestId('syntax-banner')).toBeHidden();
    await focusText(page);
    await page.keyboard.press('Control+Z');
    await expect(badge).toBeHidden();
    await expect(statusBarItem(page, 'MLPipe: valid')).toBeVisible();
  }));
});
