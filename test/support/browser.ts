// A real Chromium (Debian's, driven by playwright-core) for the web app's tests.
// Missing Chromium is a failure, not a skip: `.ci/run` installs it with apt.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { temporaryDirectory } from '#testing';

export { CHROMIUM, launchChromium } from '../../scripts/bench/chromium.js';

export const TV = { width: 1920, height: 1080 };
export const TABLET = { width: 1024, height: 768 };

/** A page of its own (own storage), with the console's errors kept for the test to look at. */
export async function openPage(
  browser: Browser,
  viewport = TV,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { context, page, errors };
}

/**
 * A screenshot of the page as it is, at its viewport: into docs/img/ when
 * HRM_UPDATE_SCREENSHOTS=1 (the committed ones the README shows), else into a
 * temporary directory (taken all the same). Returns the file's path.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const viewport = page.viewportSize() ?? TV;
  const dir = process.env.HRM_UPDATE_SCREENSHOTS === '1' ? path.resolve('docs', 'img') : screenshotDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${viewport.width}x${viewport.height}.png`);
  await page.screenshot({ path: file });
  return file;
}

let temporary: string | null = null;
function screenshotDir(): string {
  temporary ??= temporaryDirectory('hrm-screens');
  return temporary;
}
