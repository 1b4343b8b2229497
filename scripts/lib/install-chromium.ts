import { existsSync } from 'node:fs';
import { ensureAptPackages } from './apt.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium: Playwright's own browser downloads are not reachable here, apt is. */
export async function ensureChromium(): Promise<string> {
  if (!existsSync(CHROMIUM)) await ensureAptPackages(['chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} still missing after installing the chromium package`);
  return CHROMIUM;
}
