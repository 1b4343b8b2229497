// A real VS Code workbench (code-server in headless Chromium) with MLPipe loaded from source, plus the
// few page helpers the end-to-end tests share. Everything waits on what the UI shows, never on time.
import { expect } from './expect.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { saveServerLogs } from '../../scripts/lib/artifacts.js';
import { launchChromium } from '../../scripts/lib/browser.js';
import { startCodeServer, type CodeServer } from '../../scripts/lib/code-server.js';
import { artifactsDir, repoRoot, samplesDir } from '../../scripts/lib/paths.js';
import { workbenchUrl } from '../../scripts/lib/workbench-url.js';

export const e2eArtifacts = join(artifactsDir, 'e2e');

export interface Workbench {
  page: Page;
  /** The throw-away copy of samples/ that is open. */
  workspace: string;
  /** Changes user settings while the workbench runs (VS Code watches the file), e.g. the colour theme. */
  updateSettings(settings: Record<string, unknown>): void;
  screenshot(name: string): Promise<void>;
  /** Stops browser and server; on failure first keeps a screenshot and the server's logs. */
  close(failed: boolean): Promise<void>;
}

export interface WorkbenchOptions {
  /** false opens the folder in Restricted Mode (Workspace Trust on). */
  trustAll?: boolean;
  /** Prefix for screenshots and logs of this session. */
  name: string;
  /** User settings on top of the harness's own. */
  settings?: Record<string, unknown>;
}

export async function openWorkbench({ trustAll = true, name, settings = {} }: WorkbenchOptions): Promise<Workbench> {
  const server: CodeServer = await startCodeServer({
    workspace: samplesDir,
    copyWorkspace: true,
    trustAll,
    // Installed from source the way `npm start` does it, so the tests cover that path too.
    extensionFromSource: repoRoot,
    // Suggestions only on Ctrl+Space: a quick-suggest popup racing the typing would make tests flaky.
    settings: { 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' }, ...settings },
  });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(server.url, { folder: server.workspace }));
    await expect(page.locator('.monaco-workbench .part.statusbar')).toBeVisible(60_000);
    const screenshot = async (shot: string): Promise<void> => {
      await page.screenshot({ path: join(e2eArtifacts, `${name}-${shot}.png`) });
    };
    const settingsFile = join(server.userDataDir, 'User', 'settings.json');
    return {
      page,
      workspace: server.workspace,
      updateSettings: (changes) => {
        const current = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
        writeFileSync(settingsFile, JSON.stringify({ ...current, ...changes }, null, 2));
      },
      screenshot,
      close: async (failed) => {
        if (failed) {
          await screenshot('failure').catch(() => undefined);
          saveServerLogs(server, join(e2eArtifacts, `${name}-logs`));
        }
        await browser?.close();
        await server.stop();
      },
    };
  } catch (e) {
    await browser?.close();
    saveServerLogs(server, join(e2eArtifacts, `${name}-logs`));
    await server.stop();
    throw e;
  }
}

/** A status bar entry by its visible text (codicons like $(check) render as icons, not text). */
export const statusBarItem = (page: Page, text: string | RegExp): Locator => page.locator('.part.statusbar .statusbar-item', { hasText: text });

/** Opens a workspace file through Quick Open, pressing Enter only once the file is the highlighted row. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await expect(input).toBeVisible();
  await input.fill(fileName);
  await expect(page.locator('.quick-input-list .monaco-list-row.focused .label-name')).toHaveText(fileName, 30_000);
  await page.keyboard.press('Enter');
  await expect(page.locator('.tabs-container .tab.active', { hasText: fileName })).toBeVisible();
}

/** Moves the cursor with Go to Line (Ctrl+G) and waits until the status bar shows the new position. */
export async function goToLine(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await expect(input).toBeVisible();
  await input.fill(`:${line}:${column}`);
  // The row describes what Enter will do; wait for it so Enter cannot act on a stale input.
  await expect(page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: `line ${line}` })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(statusBarItem(page, `Ln ${line}, Col ${column}`)).toBeVisible();
}

/**
 * Wraps test bodies so a session knows whether any failed: `close(tracker.failed)` then keeps a
 * screenshot and the server's logs.
 */
export function failureTracker(): { failed: boolean; step: (fn: () => Promise<void>) => () => Promise<void> } {
  const tracker = {
    failed: false,
    step: (fn: () => Promise<void>) => async () => {
      try {
        await fn();
      } catch (e) {
        tracker.failed = true;
        throw e;
      }
    },
  };
  return tracker;
}

/** The row of the open quick pick whose label is exactly `label`. */
export function quickPickRow(page: Page, label: string): Locator {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) });
}

/**
 * Runs a command from the command palette (F1) by clicking its row: fuzzy ranking may highlight
 * another command first, so Enter is not safe.
 */
export async function runCommand(page: Page, title: string, { picker }: { picker?: string } = {}): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await expect(input).toBeVisible();
  await input.fill(`>${title}`);
  const row = quickPickRow(page, title);
  await expect(row).toBeVisible(30_000);
  await row.first().click();
  // A command that opens its own picker (e.g. Color Theme) replaces the list: wait for its placeholder.
  if (picker) await expect(page.locator(`.quick-input-widget input[placeholder*="${picker}"]`)).toBeVisible();
  else await expect(page.locator('.quick-input-widget')).toBeHidden();
}
