// Workspace Trust: MLPipe declares limited support for untrusted workspaces. Reading and checking
// .mlpipe text must keep working in Restricted Mode (anything that executes is gated elsewhere).
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expect } from './expect.js';
import { failureTracker, openWorkbench, quickOpen, statusBarItem, type Workbench } from './workbench.js';

describe('churn.mlpipe in Restricted Mode', () => {
  let workbench: Workbench;
  let page: Page;
  const tracker = failureTracker();
  const step = tracker.step;

  before(async () => {
    workbench = await openWorkbench({ name: 'restricted', trustAll: false });
    page = workbench.page;
  });
  after(async () => workbench?.close(tracker.failed));

  it('the folder opens untrusted, in Restricted Mode', { timeout: 90_000 }, step(async () => {
    // code-server (like VS Code for the web) does not ask at start-up: an unknown folder is untrusted.
    await expect(statusBarItem(page, 'Restricted Mode')).toBeVisible(60_000);
  }));

  it('validation still runs: the status bar reports the sample valid', { timeout: 90_000 }, step(async () => {
    await quickOpen(page, 'churn.mlpipe');
    await expect(statusBarItem(page, 'MLPipe: valid')).toBeVisible(60_000);
    await workbench.screenshot('01-restricted-valid');
  }));
});
