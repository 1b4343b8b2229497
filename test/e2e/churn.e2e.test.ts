// End to end, as a user sees it: code-server in Chromium, MLPipe loaded from source, the samples folder
// open. The steps share one workbench and build on each other (typo → Problems → completion → hover).
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { samplesDir } from '../../scripts/lib/paths.js';
import { expect } from './expect.js';
import { failureTracker, goToLine, openWorkbench, quickOpen, statusBarItem, type Workbench } from './workbench.js';

/** 1-based line of the features view's `from events` (the later `from events` is inside SQL text). */
const FROM_EVENTS_LINE = readFileSync(join(samplesDir, 'churn', 'churn.mlpipe'), 'utf8').split('\n').findIndex((l) => /^ {4}from events$/.test(l)) + 1;
if (FROM_EVENTS_LINE === 0) throw new Error('samples/churn/churn.mlpipe has no `    from events` line any more: update this test');
/** Column just after `events` on that line. */
const END_OF_LINE = '    from events'.length + 1;
const STEP_TIMEOUT = { timeout: 90_000 };

describe('churn.mlpipe in code-server', () => {
  let workbench: Workbench;
  let page: Page;
  const tracker = failureTracker();
  const step = tracker.step;

  before(async () => {
    workbench = await openWorkbench({ name: 'churn' });
    page = workbench.page;
  });
  after(async () => workbench?.close(tracker.failed));

  it('opens churn.mlpipe and MLPipe reports it valid in the status bar', STEP_TIMEOUT, step(async () => {
    await quickOpen(page, 'churn.mlpipe');
    // The item appears only once the extension has activated and the server has validated the file.
    await expect(statusBarItem(page, 'MLPipe: valid')).toBeVisible(60_000);
    await workbench.screenshot('01-opened');
  }));

  it('a typo in a reference shows up in the Problems panel', STEP_TIMEOUT, step(async () => {
    await goToLine(page, FROM_EVENTS_LINE, END_OF_LINE);
    await page.keyboard.press('Control+Shift+ArrowLeft'); // select the word `events`
    await page.keyboard.type('evnts');
    const errors = statusBarItem(page, 'MLPipe: 1 error');
    await expect(errors).toBeVisible();
    await errors.click(); // the item's command opens the Problems panel
    await expect(page.locator('.markers-panel .monaco-list-row', { hasText: "did you mean 'events'" })).toBeVisible();
    await workbench.screenshot('02-problems');
  }));

  it('completion (Ctrl+Space) offers the source name and accepting it fixes the reference', STEP_TIMEOUT, step(async () => {
    await page.keyboard.press('Control+1'); // back to the editor; the cursor is still after `evnts`
    await expect(statusBarItem(page, `Ln ${FROM_EVENTS_LINE}, Col ${END_OF_LINE - 1}`)).toBeVisible();
    await page.keyboard.press('Control+Backspace');
    await page.keyboard.type('eve');
    await page.keyboard.press('Control+Space');
    const focused = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row.focused .label-name');
    // Enter accepts whatever row is highlighted: only press it once that row is `events`.
    await expect(focused).toHaveText('events');
    await workbench.screenshot('03-completion');
    await page.keyboard.press('Enter');
    await expect(statusBarItem(page, `Ln ${FROM_EVENTS_LINE}, Col ${END_OF_LINE}`)).toBeVisible();
    await expect(statusBarItem(page, 'MLPipe: valid')).toBeVisible();
    await expect(page.locator('.markers-panel .monaco-list-row', { hasText: "did you mean 'events'" })).toBeHidden();
  }));

  it('hovering a reference shows the definition it resolves to', STEP_TIMEOUT, step(async () => {
    // Monaco renders spaces as &nbsp;, hence \s+ rather than a literal space.
    const line = page.locator('.monaco-editor .view-line', { hasText: /^\s*from\s+events\s*$/ });
    await expect(line).toBeVisible();
    await line.first().locator('span span', { hasText: /^events$/ }).hover();
    // The card names the declaration (`source events`) and shows its description.
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Product usage events' }).filter({ hasText: 'source events' });
    await expect(hover).toBeVisible();
    await workbench.screenshot('04-hover');
  }));
});
