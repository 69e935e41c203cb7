// The class screen in a real Chromium, against the real stack: a gateway's
// sample shows in the right athlete's tile, the timer counts down and changes
// phase on time, and a realtime restart greys the tiles out and brings them back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { issuedToken, timerState } from '#contracts';
import { setUpLiveClass, startTestStack, type LiveClass, type TestStack } from '#testing';
import { TABLET, TV, launchChromium, openPage, screenshot } from '../support/browser.js';
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

  it('counts the timer down on the server clock and changes phase on time', async () => {
    const { page, errors, context } = await openPage(browser, TV);
    await page.goto(screenUrl(displayToken));
    const timer = page.locator('[data-timer-status]');
    await page.locator('.tile').first().waitFor();
    const program = {
      preset: 'custom',
      prepareSec: 0,
      segments: [
        { kind: 'work', label: 'Sprint', durationSec: 4 },
        { kind: 'rest', durationSec: 3 },
      ],
      rounds: 2,
    };
    expect((await stack.api('PUT', `/api/v1/sessions/${live.sessionId}/timer`, program)).status).toBe(200);
    await page.waitForFunction(
      () => document.querySelector('[data-timer-status]')?.getAttribute('data-timer-status') === 'idle',
    );
    expect(await timer.locator('.timer-next').textContent()).toBe('Next: Sprint 0:04');

    const started = await stack.api('POST', `/api/v1/sessions/${live.sessionId}/timer/start`);
    expect(started.status).toBe(200);
    const segmentEndsAt = timerState.parse(started.body).segmentEndsAt ?? 0;
    await page.waitForFunction(
      () => document.querySelector('[data-timer-status]')?.getAttribute('data-timer-status') === 'running',
    );
    expect(await timer.locator('[data-timer-phase]').getAttribute('data-timer-phase')).toBe('work');
    expect(await timer.locator('.timer-round').textContent()).toBe('Round 1/2');
    expect(await timer.locator('.timer-next').textContent()).toBe('Next: Rest 0:03');

    // The big number counts down by itself between the server's frames: 0:04, 0:03, 0:02 ...
    const seen = new Set<string>();
    while (Date.now() < segmentEndsAt - 300) {
      seen.add((await timer.locator('[data-timer-remaining]').textContent()) ?? '');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([...seen]).toEqual(expect.arrayContaining(['0:03', '0:02', '0:01']));
    await screenshot(page, 'screen-timer');

    // The rest segment begins at segmentEndsAt, on the screen too (within the half second a frame may take).
    await page.waitForFunction(
      () => document.querySelector('[data-timer-phase]')?.getAttribute('data-timer-phase') === 'rest',
      undefined,
      { timeout: 5_000, polling: 50 },
    );
    expect(Math.abs(Date.now() - segmentEndsAt)).toBeLessThan(500);
    expect(errors).toEqual([]);
    await stack.api('POST', `/api/v1/sessions/${live.sessionId}/timer/reset`);
    await context.close();
  });

  it('greys the tiles out with "reconnecting" while realtime is away, and recovers the full state', async () => {
    const { page, context } = await openPage(browser, TV);
    await page.goto(screenUrl(displayToken));
    await gateway.publish(Date.now(), deviceIds, () => 130);
    await tile(page, 'ant:120:1')
      .locator('[data-bpm]')
      .filter({ hasText: '130' })
      .waitFor({ timeout: 3_000 });
    const board = page.locator('.class-board');

    const realtime = stack.service('realtime');
    await realtime.stop();
    // Not at once: a blip of a second must not flash the room.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await board.getAttribute('data-connection')).not.toBe('reconnecting');
    await page.waitForFunction(
      () => document.querySelector('.class-board')?.getAttribute('data-connection') === 'reconnecting',
      undefined,
      { timeout: 6_000 },
    );
    expect(await page.locator('.reconnecting-banner').textContent()).toContain('reconnecting');
    expect(await page.locator('.tiles').evaluate((element) => getComputedStyle(element).filter)).toContain(
      'grayscale',
    );
    await screenshot(page, 'screen-reconnecting');

    // Values sent while the screen was away arrive with the snapshot after the reconnect.
    await gateway.publish(Date.now(), deviceIds, () => 150);
    await realtime.start();
    await page.waitForFunction(
      () => document.querySelector('.class-board')?.getAttribute('data-connection') === 'connected',
      undefined,
      { timeout: 15_000 },
    );
    await tile(page, 'ant:120:3')
      .locator('[data-bpm]')
      .filter({ hasText: '150' })
      .waitFor({ timeout: 5_000 });
    expect(await page.locator('.reconnecting-banner').count()).toBe(0);
    await context.close();
  });

  it('fits 40 athletes on a 1920×1080 TV without scrolling, each tile readable', async () => {
    const devices = Array.from({ length: 40 }, (_, index) => `ant:121:${index + 1}`);
    const big = await setUpLiveClass(stack, devices);
    const bigGateway = await TestGateway.connect(stack, big.studioId, 'gw-big');
    const token = issuedToken.parse(
      (await stack.api('POST', `/api/v1/studios/${big.studioId}/tokens`, { role: 'display' })).body,
    ).token;
    for (const viewport of [TV, TABLET]) {
      // Every zone and every badge somewhere in the room (fresh: a value over 5 s old is stale).
      await bigGateway.publishSamples(
        devices.map((deviceId, index) => ({
          deviceId,
          ts: Date.now(),
          bpm: 95 + ((index * 7) % 95),
          contact: index % 13 !== 5,
          battery: index % 11 === 3 ? 9 : 80,
        })),
      );
      const { page, context, errors } = await openPage(browser, viewport);
      await page.goto(`${stack.apiUrl}/screen/${big.sessionId}#token=${encodeURIComponent(token)}`);
      await page.waitForFunction(
        () => document.querySelectorAll('.tile:not([data-status="waiting"])').length === 40,
        undefined,
        { timeout: 5_000 },
      );
      const layout = await page.evaluate(() => ({
        scrollHeight: document.documentElement.scrollHeight,
        scrollWidth: document.documentElement.scrollWidth,
        tiles: [...document.querySelectorAll('.tile')].map((tile) => {
          const box = tile.getBoundingClientRect();
          const bpm = tile.querySelector('[data-bpm]');
          return {
            bottom: box.bottom,
            right: box.right,
            bpmPx: bpm ? Number.parseFloat(getComputedStyle(bpm).fontSize) : 0,
          };
        }),
      }));
      expect(layout.scrollHeight).toBeLessThanOrEqual(viewport.height);
      expect(layout.scrollWidth).toBeLessThanOrEqual(viewport.width);
      for (const tileBox of layout.tiles) {
        expect(tileBox.bottom).toBeLessThanOrEqual(viewport.height);
        expect(tileBox.right).toBeLessThanOrEqual(viewport.width);
      }
      // On the TV, a bpm stays at least 48 px tall: readable from 5 m.
      if (viewport === TV)
        expect(Math.min(...layout.tiles.map(({ bpmPx }) => bpmPx))).toBeGreaterThanOrEqual(48);
      expect(await page.locator('.tile[data-status="no-contact"]').count()).toBeGreaterThan(0);
      expect(await page.locator('.tile[data-status="low-battery"]').count()).toBeGreaterThan(0);
      await screenshot(page, 'screen-40');
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('says so when the token is not valid, and draws no class', async () => {
    const { page, context } = await openPage(browser, TV);
    await page.goto(screenUrl('not-a-token-of-this-platform'));
    await page.locator('[role="alert"]').filter({ hasText: 'not valid' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('.tile').count()).toBe(0);
    await context.close();
  });
});
