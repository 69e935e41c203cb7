// The studio's TV page in a real Chromium, against the real stack: between
// classes it shows the next scheduled class and the straps heard in the room
// that nobody wears; when a class starts it switches to it by itself, and when
// the next one starts after the first ended, it follows that one; after a
// realtime restart (a connection that is not recovered) it subscribes again
// and shows the class that started meanwhile.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BrowserContext, Browser, Page } from 'playwright-core';
import { z } from 'zod';
import { issuedToken, member, sessionView, studio } from '#contracts';
import { startTestStack, type TestStack } from '#testing';
import { TABLET, TV, launchChromium, openPage, screenshot } from '../support/browser.js';
import { TestGateway } from '../support/gateway.js';

const deviceIds = ['ant:130:1', 'ant:130:2', 'ant:130:3'];
/** Heard in the room, paired with nobody. */
const strayStraps = { beforeOpen: 'ant:999:1', afterOpen: 'ble:aa:bb:cc:dd:ee:ff' };

describe('the studio page, in Chromium', () => {
  let stack: TestStack;
  let browser: Browser;
  let gateway: TestGateway;
  let studioId: string;
  let morning: string;
  let evening: string;
  let memberIds: string[];
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  const call = async <T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown) => {
    const answer = await stack.api(method, `/api/v1${path}`, body);
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}`);
    return schema.parse(answer.body);
  };

  /** A scheduled class of every athlete, starting at `startsAt`. */
  async function scheduleClass(title: string, startsAt: number, memberIds: string[]): Promise<string> {
    const scheduled = await call(sessionView, 'POST', `/studios/${studioId}/sessions`, {
      title,
      startsAt: new Date(startsAt).toISOString(),
    });
    for (const memberId of memberIds)
      await call(z.unknown(), 'POST', `/sessions/${scheduled.id}/participants`, { memberId });
    return scheduled.id;
  }

  const root = () => page.locator('[data-studio-mode]');
  const showsClass = (sessionId: string) =>
    page.locator(`[data-studio-mode="live"][data-session-id="${sessionId}"]`).waitFor({ timeout: 10_000 });

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack(['api', 'ingest', 'realtime']), launchChromium()]);
    studioId = (await call(studio, 'POST', '/studios', { name: 'Riverside Cycle' })).id;
    memberIds = [];
    for (const [index, deviceId] of deviceIds.entries()) {
      const athlete = await call(member, 'POST', `/studios/${studioId}/members`, {
        displayName: ['Ana', 'Ben', 'Chloé'][index] ?? `Athlete ${index + 1}`,
        birthYear: 1985 + index,
        sex: index % 2 === 0 ? 'female' : 'male',
      });
      await call(z.unknown(), 'PUT', `/studios/${studioId}/devices/${encodeURIComponent(deviceId)}`, {
        memberId: athlete.id,
      });
      memberIds.push(athlete.id);
    }
    // The later one is created first: the page must pick by start time, not by the list's order.
    evening = await scheduleClass('Evening Climb', Date.now() + 5 * 3_600_000, memberIds);
    morning = await scheduleClass('Morning Ride', Date.now() + 25 * 60_000, memberIds);
    gateway = await TestGateway.connect(stack, studioId, 'gw-1');
    await gateway.publishStatus([{ deviceId: strayStraps.beforeOpen, battery: 15, lastSeen: Date.now() }]);
    const display = issuedToken.parse(
      (await stack.api('POST', `/api/v1/studios/${studioId}/tokens`, { role: 'display' })).body,
    ).token;
    ({ context, page, errors } = await openPage(browser, TV));
    await page.goto(`${stack.apiUrl}/studio/${studioId}#token=${encodeURIComponent(display)}`);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.stop();
  });

  it('between classes shows the next scheduled class and the unpaired straps heard in the room', async () => {
    await page.locator('[data-studio-mode="between"]').waitFor();
    const next = page.locator('.next-class');
    await next.locator('.next-title').filter({ hasText: 'Morning Ride' }).waitFor();
    expect(await next.getAttribute('data-session-id')).toBe(morning);
    expect(await next.locator('.next-in').textContent()).toMatch(/^in 2[45] min$/);
    expect(await next.locator('.next-roster').textContent()).toBe('3 athletes signed up');

    const stray = page.locator(`tr[data-device-id="${strayStraps.beforeOpen}"]`);
    await stray.waitFor();
    expect(await stray.locator('.strap-battery').textContent()).toBe('15%');
    expect(await stray.locator('.strap-seen').textContent()).toMatch(/just now|\d+ s ago/);
    // A strap heard after the page opened arrives with `studio:devices`; the paired ones heard
    // just before it are not listed.
    await gateway.publish(Date.now(), deviceIds, () => 95);
    await gateway.publishStatus([{ deviceId: strayStraps.afterOpen, battery: 80, lastSeen: Date.now() }]);
    await page.locator(`tr[data-device-id="${strayStraps.afterOpen}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('.straps-table tbody tr').count()).toBe(2);
    expect(await page.locator('h1').textContent()).toBe('Riverside Cycle');
    await screenshot(page, 'studio');
    // The same between-classes screen on a 1024×768 display: nothing spills sideways.
    await page.setViewportSize(TABLET);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(TABLET.width);
    await screenshot(page, 'studio');
    await page.setViewportSize(TV);
  });

  it('switches to the class by itself when it starts, with its athletes live', async () => {
    await call(sessionView, 'POST', `/sessions/${morning}/start`);
    await showsClass(morning);
    await page
      .locator('.tile')
      .nth(deviceIds.length - 1)
      .waitFor();
    expect(await page.locator('.tile').count()).toBe(deviceIds.length);
    expect(await page.locator('.board-title h1').textContent()).toBe('Morning Ride');
    await gateway.publish(Date.now(), deviceIds, (_deviceId, index) => 130 + index * 15);
    await page.locator('.tile [data-bpm]').filter({ hasText: '160' }).waitFor({ timeout: 5_000 });
    await screenshot(page, 'studio-live');
  });

  it('goes back to the schedule when the class ends, and follows the next class when it starts', async () => {
    await call(sessionView, 'POST', `/sessions/${morning}/end`);
    await page.locator('[data-studio-mode="between"]').waitFor({ timeout: 10_000 });
    await page.locator(`.next-class[data-session-id="${evening}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('.next-title').textContent()).toBe('Evening Climb');

    await call(sessionView, 'POST', `/sessions/${evening}/start`);
    await showsClass(evening);
    expect(await root().getAttribute('data-session-id')).toBe(evening);
    await page.locator('.board-title h1').filter({ hasText: 'Evening Climb' }).waitFor();
    await gateway.publish(Date.now(), deviceIds, () => 142);
    await page.locator('.tile [data-bpm]').filter({ hasText: '142' }).first().waitFor({ timeout: 5_000 });
    expect(await page.locator('.tile').count()).toBe(deviceIds.length);
    expect(errors).toEqual([]);
  });

  it('after a realtime restart, subscribes to the studio again and shows the class that started meanwhile', async () => {
    await call(sessionView, 'POST', `/sessions/${evening}/end`);
    await page.locator('[data-studio-mode="between"]').waitFor({ timeout: 10_000 });
    const late = await scheduleClass('Late Stretch', Date.now() + 60 * 60_000, memberIds);
    // No event says a class was scheduled: the page reads the schedule every minute, not at once.
    const realtime = stack.service('realtime');
    await realtime.stop(true);
    // Started while no realtime can tell the page: only the new snapshot says so.
    await call(sessionView, 'POST', `/sessions/${late}/start`);
    await realtime.start();
    await showsClass(late);
    await page.locator('.board-title h1').filter({ hasText: 'Late Stretch' }).waitFor();
    await gateway.publish(Date.now(), deviceIds, () => 118);
    await page.locator('.tile [data-bpm]').filter({ hasText: '118' }).first().waitFor({ timeout: 5_000 });
    expect(errors.filter((error) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(error))).toEqual([]);
  }, 60_000);
});
