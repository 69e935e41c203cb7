// The coach's tablet in a real Chromium, against the real stack: it sets a
// program and starts the timer, which the class screen shows running; a refusal
// shows the problem's title in the alert area and has the page read the class
// again, so the next command goes through; the control tabs follow the keys of
// the tabs pattern; a display token sees the tiles and no control; an athlete
// added with a strap gets a tile on the screen.
// Also GET /api/v1/me, which tells the page what its token may do.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import {
  deviceList,
  issuedToken,
  member,
  participantAdded,
  sessionView,
  timerState,
  whoAmI,
} from '#contracts';
import { setUpLiveClass, startTestStack, type LiveClass, type TestStack } from '#testing';
import { TABLET, TV, launchChromium, openPage, screenshot } from '../support/browser.js';
import { TestGateway } from '../support/gateway.js';

const deviceIds = ['ant:120:1', 'ant:120:2', 'ant:120:3'];
type Role = 'display' | 'coach' | 'operator';

/**
 * Holds back the live events named in `held` on their way to the page, so the page acts on
 * a state the server has left (what a coach on a slow link meets): the server must refuse.
 */
async function holdLiveEvents(page: Page): Promise<Set<string>> {
  const held = new Set<string>();
  await page.routeWebSocket(/\/socket\.io\//, (socket) => {
    const server = socket.connectToServer();
    server.onMessage((message) => {
      if (typeof message === 'string' && [...held].some((event) => message.includes(`["${event}"`))) return;
      socket.send(message);
    });
  });
  return held;
}

describe('the coach tablet, in Chromium', () => {
  let stack: TestStack;
  let live: LiveClass;
  let browser: Browser;
  let gateway: TestGateway;
  const tokens = new Map<Role, string>();

  const tokenOf = (role: Role) => tokens.get(role) ?? '';
  const issue = async (role: Role) =>
    issuedToken.parse((await stack.api('POST', `/api/v1/studios/${live.studioId}/tokens`, { role })).body)
      .token;
  const pageUrl = (page: 'coach' | 'screen', sessionId: string, token: string) =>
    `${stack.apiUrl}/${page}/${sessionId}#token=${encodeURIComponent(token)}`;
  const alertTitle = (page: Page) => page.locator('.coach-alert [data-problem-title]');

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack(['api', 'ingest', 'realtime']), launchChromium()]);
    live = await setUpLiveClass(stack, deviceIds);
    gateway = await TestGateway.connect(stack, live.studioId, 'gw-1');
    for (const role of ['display', 'coach', 'operator'] as const) tokens.set(role, await issue(role));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("GET /api/v1/me answers the token's role and studio, and 401 without a valid token", async () => {
    const me = async (token?: string) => {
      const { status, body } = await stack.api('GET', '/api/v1/me', undefined, token);
      expect(status).toBe(200);
      return whoAmI.parse(body);
    };
    expect(await me()).toEqual({ role: 'admin', studioId: null });
    for (const role of ['display', 'coach', 'operator'] as const) {
      expect(await me(tokenOf(role))).toEqual({ role, studioId: live.studioId });
    }
    expect((await fetch(`${stack.apiUrl}/api/v1/me`)).status).toBe(401);
    const unknown = await fetch(`${stack.apiUrl}/api/v1/me`, {
      headers: { authorization: 'Bearer hrm_not-a-token-of-this-platform' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('sets a program and starts the timer, and the class screen shows it running', async () => {
    const coach = await openPage(browser, TABLET);
    const screen = await openPage(browser, TV);
    await coach.page.goto(pageUrl('coach', live.sessionId, tokenOf('coach')));
    await screen.page.goto(pageUrl('screen', live.sessionId, tokenOf('display')));
    await coach.page.locator('.coach-controls').waitFor();
    await coach.page.getByRole('radio', { name: 'Custom' }).check();
    await screenshot(coach.page, 'coach-program');
    await coach.page.getByRole('radio', { name: 'Tabata' }).check();
    await coach.page.getByRole('button', { name: 'Set program' }).click();
    await coach.page.getByRole('button', { name: 'Start timer' }).click();
    await screen.page.locator('[data-timer-status="running"]').waitFor({ timeout: 5_000 });
    await coach.page.locator('[data-timer-status="running"]').waitFor({ timeout: 5_000 });
    // A running timer offers what a running timer allows, and no start.
    await coach.page.getByRole('button', { name: 'Pause' }).waitFor();
    expect(await coach.page.getByRole('button', { name: 'Start timer' }).count()).toBe(0);
    expect(await coach.page.getByRole('button', { name: 'Skip' }).count()).toBe(1);
    await gateway.publish(Date.now(), deviceIds, (_deviceId, index) => 118 + index * 21);
    await coach.page.locator('.tile [data-bpm]').filter({ hasText: '160' }).waitFor();
    await screenshot(coach.page, 'coach');
    expect(await coach.page.locator('.coach-alert [data-problem-title]').count()).toBe(0);
    expect(coach.errors).toEqual([]);
    expect(screen.errors).toEqual([]);
    await coach.context.close();
    await screen.context.close();
  });

  it('shows the problem title of a refused command, reads the class again, and the next command goes through', async () => {
    const scheduled = sessionView.parse(
      (await stack.api('POST', `/api/v1/studios/${live.studioId}/sessions`, { title: 'Refusals' })).body,
    );
    const robin = member.parse(
      (await stack.api('POST', `/api/v1/studios/${live.studioId}/members`, { displayName: 'Robin Gone' }))
        .body,
    );
    const joined = participantAdded.parse(
      (await stack.api('POST', `/api/v1/sessions/${scheduled.id}/participants`, { memberId: robin.id })).body,
    );
    const { page, errors, context } = await openPage(browser, TABLET);
    const held = await holdLiveEvents(page);
    await page.goto(pageUrl('coach', scheduled.id, tokenOf('coach')));
    const startClass = page.getByRole('button', { name: 'Start class' });
    await startClass.waitFor();

    // Another tablet starts the class; this page does not hear of it, and its start is refused.
    held.add('session:state');
    expect((await stack.api('POST', `/api/v1/sessions/${scheduled.id}/start`)).status).toBe(200);
    await startClass.click();
    await alertTitle(page).waitFor();
    expect(await alertTitle(page).textContent()).toBe('Conflict');
    expect(await page.locator('.coach-alert').textContent()).toContain('Start class refused');
    expect(await page.locator('.coach-alert').textContent()).toContain(`session ${scheduled.id} started at`);
    // The refusal had the page read the class again (no event told it): live, with no start to offer.
    await page.locator('.class-controls[data-class-status="live"]').waitFor();
    expect(await startClass.count()).toBe(0);
    await page.getByRole('button', { name: 'End class', exact: true }).waitFor();

    // The timer, paused behind the page's back: the page's pause is refused over the socket.
    await page.getByRole('button', { name: 'Set program' }).click();
    await page.getByRole('button', { name: 'Start timer' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    held.add('timer:state');
    expect((await stack.api('POST', `/api/v1/sessions/${scheduled.id}/timer/pause`)).status).toBe(200);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.coach-alert', { hasText: 'Pause refused' }).waitFor();
    expect(await alertTitle(page).textContent()).toBe('Conflict');
    expect(await page.locator('.coach-alert').textContent()).toContain('the timer is paused, not running');
    await screenshot(page, 'coach-refused');
    // Read again, the timer is paused: the page offers to resume it, and resuming works without a reload.
    await page.locator('.timer-actions[data-timer-actions="paused"]').waitFor();
    held.clear();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await alertTitle(page).waitFor({ state: 'detached' });
    const timer = timerState.parse((await stack.api('GET', `/api/v1/sessions/${scheduled.id}/timer`)).body);
    expect(timer.status).toBe('running');

    // An athlete removed from another tablet: this page's remove is refused, and the roster read again.
    await page.getByRole('tab', { name: /Roster/ }).click();
    const robinRow = page.locator(`.participant-row[data-participant-id="${joined.participantId}"]`);
    await robinRow.waitFor();
    held.add('hrm:metadata');
    const removed = await stack.api(
      'DELETE',
      `/api/v1/sessions/${scheduled.id}/participants/${joined.participantId}`,
    );
    expect(removed.status).toBe(204);
    await robinRow.getByRole('button', { name: 'Remove Robin Gone…' }).click();
    await robinRow.getByRole('button', { name: 'Remove Robin Gone', exact: true }).click();
    await page.locator('.coach-alert', { hasText: 'Remove Robin Gone refused' }).waitFor();
    expect(await alertTitle(page).textContent()).toBe('Conflict');
    await robinRow.waitFor({ state: 'detached' });
    // Robin is offered again: adding Robin back goes through.
    held.clear();
    await page.getByLabel('Athlete', { exact: true }).selectOption({ label: 'Robin Gone' });
    await page.getByRole('button', { name: 'Add to class' }).click();
    await page.locator('.participant-row', { hasText: 'Robin Gone' }).waitFor();
    await alertTitle(page).waitFor({ state: 'detached' });

    // Ending the class asks once more; then the timer is final and offers nothing.
    await page.getByRole('button', { name: 'End class', exact: true }).click();
    await page.getByRole('button', { name: 'End class now' }).click();
    await page.locator('.class-controls[data-class-status="ended"]').waitFor();
    await page.getByRole('tab', { name: 'Timer' }).click();
    await page.getByText('This class has ended: its timer is final.').waitFor();
    expect(await page.locator('.timer-actions button').count()).toBe(0);
    // Chromium logs every 4xx answer; the refusal itself is expected.
    expect(errors.filter((error) => !error.includes('status of 409 (Conflict)'))).toEqual([]);
    await context.close();
  });

  it('moves between the control tabs with the arrow keys, Home and End, keeping what each tab holds', async () => {
    const { page, errors, context } = await openPage(browser, TABLET);
    await page.goto(pageUrl('coach', live.sessionId, tokenOf('coach')));
    const tabs = page.getByRole('tablist', { name: 'controls' }).getByRole('tab');
    await tabs.first().waitFor();
    expect(await tabs.count()).toBe(3);
    const selected = () => page.locator('[role="tab"][aria-selected="true"]').getAttribute('id');
    const focused = () => page.evaluate(() => document.activeElement?.id ?? null);
    const expectOn = async (name: string) => {
      expect(await selected()).toBe(`coach-tab-${name}`);
      expect(await focused()).toBe(`coach-tab-${name}`);
      // Only the selected tab is in the tab order, and only its panel is shown.
      expect(await page.locator('[role="tab"][tabindex="0"]').getAttribute('id')).toBe(`coach-tab-${name}`);
      expect(await page.locator('[role="tabpanel"]:visible').getAttribute('id')).toBe(`coach-panel-${name}`);
    };
    // Each tab controls a panel that is in the page, labelled by the tab.
    for (const name of ['timer', 'music', 'roster']) {
      const tab = page.locator(`#coach-tab-${name}`);
      expect(await tab.getAttribute('aria-controls')).toBe(`coach-panel-${name}`);
      const panel = page.locator(`#coach-panel-${name}`);
      expect(await panel.getAttribute('role')).toBe('tabpanel');
      expect(await panel.getAttribute('aria-labelledby')).toBe(`coach-tab-${name}`);
    }

    await page.locator('#coach-tab-timer').focus();
    await page.keyboard.press('ArrowRight');
    await expectOn('music');
    await page.getByRole('button', { name: 'Play music' }).waitFor();
    await page.keyboard.press('ArrowRight');
    await expectOn('roster');
    // What the coach typed in a tab survives a visit to the others.
    await page.getByLabel('Name').fill('Kim Keeps');
    await page.locator('#coach-tab-roster').focus();
    await page.keyboard.press('ArrowRight');
    await expectOn('timer');
    await page.keyboard.press('ArrowLeft');
    await expectOn('roster');
    expect(await page.getByLabel('Name').inputValue()).toBe('Kim Keeps');
    await page.keyboard.press('Home');
    await expectOn('timer');
    await page.keyboard.press('End');
    await expectOn('roster');
    // Tab leaves the tab list for the panel's first control.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[role="tabpanel"]')?.id ?? null)).toBe(
      'coach-panel-roster',
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a display token the tiles and no control at all', async () => {
    const { page, errors, context } = await openPage(browser, TABLET);
    await page.goto(pageUrl('coach', live.sessionId, tokenOf('display')));
    await page.locator('.coach[data-role="display"]').waitFor();
    await page
      .locator('.tile')
      .nth(deviceIds.length - 1)
      .waitFor();
    expect(await page.locator('.tile').count()).toBe(deviceIds.length);
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await page.locator('input, select, .coach-controls').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("adds an athlete with a strap heard unassigned: the screen shows the athlete's tile, and removes them", async () => {
    const strap = 'ant:120:9';
    const coach = await openPage(browser, TABLET);
    const screen = await openPage(browser, TV);
    await screen.page.goto(pageUrl('screen', live.sessionId, tokenOf('display')));
    await coach.page.goto(pageUrl('coach', live.sessionId, tokenOf('operator')));
    await coach.page.getByRole('tab', { name: /Roster/ }).click();

    // A strap another participant wears: the class refuses, and no pairing moved.
    await coach.page.getByLabel('Name').fill('Sam Twin');
    await coach.page.getByLabel('Strap', { exact: true }).selectOption({ label: 'Another strap id…' });
    await coach.page.getByLabel('Strap id').fill('ant:120:1');
    await coach.page.getByRole('button', { name: 'Add to class' }).click();
    await coach.page.locator('.coach-alert', { hasText: 'Add athlete refused' }).waitFor();
    expect(await alertTitle(coach.page).textContent()).toBe('Conflict');
    expect(await coach.page.locator('.coach-alert').textContent()).toContain('device ant:120:1 is worn by');
    // Sam was created: trying again picks Sam, not a second Sam.
    const athlete = coach.page.getByLabel('Athlete', { exact: true });
    expect(await athlete.locator('option:checked').textContent()).toBe('Sam Twin');
    const pairing = deviceList
      .parse((await stack.api('GET', `/api/v1/studios/${live.studioId}/devices`)).body)
      .devices.find(({ deviceId }) => deviceId === 'ant:120:1');
    expect(pairing?.displayName).toBe('Athlete 1');
    await athlete.selectOption({ label: 'New athlete…' });
    await coach.page.getByLabel('Strap', { exact: true }).selectOption({ label: 'No strap' });
    await gateway.publish(Date.now(), [strap], () => 101);
    const strapRow = coach.page.locator(`.strap-row[data-device-id="${strap}"]`);
    await strapRow.waitFor({ timeout: 10_000 });
    await strapRow.getByRole('button', { name: 'Pair' }).click();
    await coach.page.getByLabel('Name').fill('Dana Late');
    await screenshot(coach.page, 'coach-roster');
    await coach.page.getByRole('button', { name: 'Add to class' }).click();
    const tile = screen.page.locator('.tile', { hasText: 'Dana Late' });
    await tile.waitFor({ timeout: 5_000 });
    expect(await screen.page.locator('.tile').count()).toBe(deviceIds.length + 1);
    await gateway.publish(Date.now(), [strap], () => 133);
    await tile.locator('[data-bpm]').filter({ hasText: '133' }).waitFor({ timeout: 5_000 });
    // The strap is no longer unassigned, and the athlete is in the class.
    await strapRow.waitFor({ state: 'detached' });
    const row = coach.page.locator('.participant-row', { hasText: 'Dana Late' });
    expect(await row.locator('.participant-strap').textContent()).toBe(strap);

    await row.getByRole('button', { name: 'Remove Dana Late…' }).click();
    await row.getByRole('button', { name: 'Remove Dana Late', exact: true }).click();
    await tile.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await screen.page.locator('.tile').count()).toBe(deviceIds.length);
    await coach.page.getByRole('tab', { name: 'Music' }).click();
    await coach.page.getByRole('button', { name: 'Play music' }).click();
    // No Spotify worker runs here: the refusal says so.
    await coach.page.locator('.coach-alert', { hasText: 'Play music refused' }).waitFor();
    expect(await alertTitle(coach.page).textContent()).toBe('Service Unavailable');
    await screenshot(coach.page, 'coach-music');
    await coach.page.getByRole('button', { name: 'Dismiss' }).click();
    expect(await alertTitle(coach.page).count()).toBe(0);
    await coach.page.setViewportSize(TV);
    await coach.page.getByRole('tab', { name: 'Timer' }).click();
    await screenshot(coach.page, 'coach');
    // Chromium logs every 4xx and 5xx answer; those refusals are expected.
    expect(coach.errors.filter((error) => !/status of (409|503)/.test(error))).toEqual([]);
    expect(screen.errors).toEqual([]);
    await coach.context.close();
    await screen.context.close();
  });
});
