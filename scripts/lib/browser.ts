import { chromium, type Browser } from 'playwright-core';
import { ensureChromium } from './install-chromium.js';

/**
 * Debian's Chromium, headless, with everything that would phone home turned off (no network here) and
 * no sandbox (we run as root). Playwright gives each launch a fresh temporary profile.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await ensureChromium(),
    headless: true,
    // Signals are handled once, in process-group.ts: it stops code-server first, then exits, and
    // Playwright's exit hook kills the browser.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
