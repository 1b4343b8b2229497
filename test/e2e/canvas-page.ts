// Page helpers for the canvas end-to-end tests: the canvas webview, the text editor's content, themes.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { expect } from './expect.js';
import { quickPickRow, runCommand, type Workbench } from './workbench.js';

/** The canvas webview: VS Code nests a webview's page two iframes deep. */
export const canvasFrame = (page: Page): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

export const canvasNode = (canvas: FrameLocator, id: string): Locator => canvas.locator(`[data-node-id="${id}"]`);

/** Waits until exactly `n` elements match (polling what the page shows). */
export async function toHaveCount(locator: Locator, n: number, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let seen = -1;
  while ((seen = await locator.count()) !== n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} of ${String(locator)}, saw ${seen}`);
    await locator.page().waitForTimeout(50); // poll interval, not a wait for an outcome
  }
}

/**
 * How often `needle` occurs in the text editor, read the way a user would: Find (Ctrl+F) in the
 * first editor group and its "N of M" / "No results" count. Leaves focus in that editor.
 */
export async function expectInText(page: Page, needle: string, occurrences: number): Promise<void> {
  await focusText(page);
  await page.keyboard.press('Control+F');
  const input = page.locator('.find-widget.visible textarea, .find-widget.visible input.input').first();
  await expect(input).toBeVisible();
  await input.fill(needle);
  const count = page.locator('.find-widget.visible .matchesCount');
  await expect(count).toHaveText(occurrences === 0 ? /^No results$/ : new RegExp(`^(\\d+|\\?) of ${occurrences}$`));
  await page.keyboard.press('Escape');
  await expect(page.locator('.find-widget.visible')).toBeHidden();
}

/**
 * Focuses the text editor (the first editor group) by clicking its tab, which moves no cursor. Keys
 * pressed while the canvas has focus go to the webview first, so a shortcut is not enough.
 */
export async function focusText(page: Page): Promise<void> {
  const group = page.locator('.part.editor .editor-group-container').first();
  await group.locator('.tabs-container .tab.active').click();
  await expect(group.locator('.monaco-editor.focused')).toBeVisible();
}

/** Gives the canvas keyboard focus without selecting anything: a click on its toolbar. */
export async function focusCanvas(canvas: FrameLocator): Promise<void> {
  await canvas.locator('.mp-toolbar').click({ position: { x: 4, y: 4 } });
}

export type Theme = 'dark' | 'light';
const THEME: Record<Theme, { name: string; workbenchClass: string; webviewClass: string }> = {
  // `name` is the label in the Color Theme picker (the setting's value is "Default Dark Modern").
  dark: { name: 'Dark Modern', workbenchClass: 'vs-dark', webviewClass: 'vscode-dark' },
  light: { name: 'Light Modern', workbenchClass: 'vs', webviewClass: 'vscode-light' },
};

/** Switches the colour theme as a user does (Preferences: Color Theme) and waits until the workbench and the canvas show it. */
export async function setTheme(workbench: Workbench, theme: Theme): Promise<void> {
  const { page } = workbench;
  await runCommand(page, 'Preferences: Color Theme', { picker: 'Color Theme' });
  await page.locator('.quick-input-widget input').fill(THEME[theme].name);
  const row = quickPickRow(page, THEME[theme].name);
  await expect(row).toBeVisible();
  await row.first().click();
  await expect(page.locator('.quick-input-widget')).toBeHidden();
  await expect(workbench.page.locator(`.monaco-workbench.${THEME[theme].workbenchClass}`)).toBeVisible();
  await expect(canvasFrame(workbench.page).locator(`body.${THEME[theme].webviewClass}`)).toBeVisible();
}

/** One screenshot per theme of the current state, ending in the dark theme. */
export async function screenshotThemes(workbench: Workbench, name: string): Promise<void> {
  await workbench.screenshot(`${name}-dark`);
  await setTheme(workbench, 'light');
  await workbench.screenshot(`${name}-light`);
  await setTheme(workbench, 'dark');
}

/** Drags with real mouse moves (React Flow connects on pointer events), page coordinates. */
export async function dragBetween(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('drag source or target is not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}
