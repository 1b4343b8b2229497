// The two waits the e2e tests need, on top of playwright-core (which has no `expect`; @playwright/test
// would want to download its own browsers). Both poll the page until true or fail with what they saw.
import type { Locator } from 'playwright-core';

const DEFAULT_TIMEOUT_MS = 20_000;

export function expect(locator: Locator) {
  return {
    /** Waits until the first matching element is visible. */
    async toBeVisible(timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
      await locator.first().waitFor({ state: 'visible', timeout });
    },
    /** Waits until no matching element is visible. */
    async toBeHidden(timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
      const deadline = Date.now() + timeout;
      while ((await locator.count()) > 0 && (await locator.first().isVisible())) {
        if (Date.now() > deadline) throw new Error(`still visible after ${timeout} ms: ${String(locator)}`);
        await locator.page().waitForTimeout(50); // poll interval, not a wait for an outcome
      }
    },
    /** Waits until the first matching element's text matches exactly (string) or by pattern. */
    async toHaveText(expected: string | RegExp, timeout = DEFAULT_TIMEOUT_MS): Promise<void> {
      const deadline = Date.now() + timeout;
      let seen: string | null = null;
      for (;;) {
        seen = (await locator.count()) > 0 ? await locator.first().textContent() : null;
        const text = seen?.trim() ?? '';
        if (seen !== null && (typeof expected === 'string' ? text === expected : expected.test(text))) return;
        if (Date.now() > deadline) throw new Error(`expected ${String(locator)} to have text ${String(expected)}, last saw ${JSON.stringify(seen)}`);
        await locator.page().waitForTimeout(50); // poll interval, not a wait for an outcome
      }
    },
  };
}
