// Debian's headless Chromium, for the screen bench and the web app's tests
// (test/support/browser.ts launches it from here: one set of flags).
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.HRM_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine without a network beyond localhost. */
const flags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install chromium), or set HRM_CHROMIUM`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: flags, headless: true });
}
