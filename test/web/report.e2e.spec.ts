// The class report in a real Chromium, against the real stack: two minutes of
// intervals by three athletes, then the class ends; the report draws one curve
// per athlete, shows the summary's max HR and downloads the API's CSV. Also what
// a class without samples, an unknown class and a refused token look like.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { issuedToken, problem, sessionSummary, type SessionSummary } from '#contracts';
import {
  eventually,
  expectStatus,
  setUpLiveClass,
  startTestStack,
  type LiveClass,
  type TestStack,
} from '#testing';
import { TABLET, TV, launchChromium, openPage, screenshot } from '../support/browser.js';
import { TestGateway } from '../support/gateway.js';

const deviceIds = ['ant:121:1', 'ant:121:2', 'ant:121:3'];
const classSeconds = 120;

/** Intervals of a minute (30 s up, 30 s down), each athlete a little higher than the one before. */
const bpmAt = (second: number, index: number) =>
  Math.round(100 + index * 8 + 55 * (0.5 - 0.5 * Math.cos((2 * Math.PI * second) / 60)));

describe('the class report, in Chromium', () => {
  let stack: TestStack;
  let live: LiveClass;
  let browser: Browser;
  let summary: SessionSummary;
  let displayToken: string;

  const tokenOf = async (studioId: string) =>
    issuedToken.parse(
      await expectStatus(stack.api('POST', `/api/v1/studios/${studioId}/tokens`, { role: 'display' }), 201),
    ).token;
  const reportUrl = (sessionId: string, token: string) =>
    `${stack.apiUrl}/report/${sessionId}#token=${encodeURIComponent(token)}`;
  const readSummary = async (sessionId: string) =>
    sessionSummary.parse(await expectStatus(stack.api('GET', `/api/v1/sessions/${sessionId}/summary`), 200));
  const noticeOf = async (page: Page) => {
    await page.locator('.notice h1').filter({ hasNotText: 'Loading' }).waitFor();
    return page.locator('.notice h1').textContent();
  };

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack(['api', 'ingest']), launchChromium()]);
    live = await setUpLiveClass(stack, deviceIds);
    const gateway = await TestGateway.connect(stack, live.studioId, 'gw-report');
    // Dated ahead of now (the test stack allows 15 minutes of skew): two minutes of class in a few seconds.
    const start = Date.now() + 1000;
    for (let second = 0; second < classSeconds; second++) {
      await gateway.publish(start + second * 1000, deviceIds, (_deviceId, index) => bpmAt(second, index));
    }
    await eventually(async () => {
      const now = await readSummary(live.sessionId);
      return now.participants.every((athlete) => athlete.samples === classSeconds) ? true : undefined;
    }, 'the summary to hold every sample');
    await expectStatus(stack.api('POST', `/api/v1/sessions/${live.sessionId}/end`), 200);
    summary = await readSummary(live.sessionId);
    displayToken = await tokenOf(live.studioId);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('draws one curve per athlete, shows the summary’s max HR and downloads the CSV', async () => {
    const { page, errors, context } = await openPage(browser, TV);
    await page.goto(reportUrl(live.sessionId, displayToken));
    const charts = page.locator('.hr-chart');
    await charts.nth(deviceIds.length - 1).waitFor();
    expect(await charts.count()).toBe(deviceIds.length);
    const drawn = await charts.evaluateAll((elements) =>
      elements.map((element) => ({
        participantId: element.getAttribute('data-participant-id'),
        points: Number(element.getAttribute('data-points')),
        canvases: element.querySelectorAll('canvas').length,
        zoneThresholds: element.getAttribute('data-zone-thresholds'),
      })),
    );
    expect(drawn.map((chart) => chart.participantId).sort()).toEqual(
      [...live.participantsByDevice.values()].sort(),
    );
    for (const chart of drawn) {
      expect(chart.points).toBeGreaterThan(0);
      expect(chart.canvases).toBe(1);
      const joined = live.session.participants.find((p) => p.participantId === chart.participantId);
      expect(chart.zoneThresholds).toBe(joined?.zoneThresholds.join(' '));
    }

    expect(summary.participants).toHaveLength(deviceIds.length);
    for (const athlete of summary.participants) {
      expect(athlete.maxBpm).not.toBeNull();
      const cell = page.locator(
        `.summary-table tr[data-participant-id="${athlete.participantId}"] [data-max-bpm]`,
      );
      expect(await cell.textContent()).toBe(String(athlete.maxBpm));
    }

    const api = await fetch(`${stack.apiUrl}/api/v1/sessions/${live.sessionId}/export.csv`, {
      headers: { authorization: `Bearer ${displayToken}` },
    });
    const header = (await api.text()).split('\r\n')[0] ?? 'no header';
    expect(header).toContain('participant_id');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByText('Download CSV').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${live.sessionId}.csv`);
    const file = fs.readFileSync(await download.path(), 'utf8');
    expect(file.startsWith(`${header}\r\n`)).toBe(true);
    expect(file.split('\r\n').filter((line) => line.length > 0)).toHaveLength(
      1 + deviceIds.length * classSeconds,
    );

    await screenshot(page, 'report');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a tablet', async () => {
    const { page, errors, context } = await openPage(browser, TABLET);
    await page.goto(reportUrl(live.sessionId, displayToken));
    await page
      .locator('.hr-chart')
      .nth(deviceIds.length - 1)
      .waitFor();
    const overflow = await page.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'report');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says so when a class has no samples yet', async () => {
    const quiet = await setUpLiveClass(stack, ['ant:121:9']);
    const { page, context } = await openPage(browser, TV);
    await page.goto(reportUrl(quiet.sessionId, await tokenOf(quiet.studioId)));
    await page.locator('.report[data-report="empty"]').waitFor();
    expect(await page.locator('.report-empty').textContent()).toContain('No heart-rate samples');
    expect(await page.locator('.hr-chart').count()).toBe(0);
    expect(await page.locator('.summary-table tbody tr').count()).toBe(1);
    await screenshot(page, 'report-no-samples');
    await context.close();
  });

  it('draws an athlete who left the class against the zones they had', async () => {
    const left = await setUpLiveClass(stack, ['ant:121:7']);
    const [athlete] = left.session.participants;
    if (!athlete) throw new Error('no athlete in the class');
    const gateway = await TestGateway.connect(stack, left.studioId, 'gw-left');
    const start = Date.now() + 1000;
    for (let second = 0; second < 20; second++)
      await gateway.publish(start + second * 1000, ['ant:121:7'], () => 130);
    await eventually(async () => {
      const now = await readSummary(left.sessionId);
      return now.participants[0]?.samples === 20 ? true : undefined;
    }, 'the summary to hold every sample');
    await expectStatus(
      stack.api('DELETE', `/api/v1/sessions/${left.sessionId}/participants/${athlete.participantId}`),
      204,
    );
    const { page, errors, context } = await openPage(browser, TABLET);
    await page.goto(reportUrl(left.sessionId, await tokenOf(left.studioId)));
    const chart = page.locator(`.hr-chart[data-participant-id="${athlete.participantId}"]`);
    await chart.waitFor();
    expect(await chart.getAttribute('data-zone-thresholds')).toBe(athlete.zoneThresholds.join(' '));
    expect(Number(await chart.getAttribute('data-points'))).toBe(20);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the API’s title for an unknown class and for a refused token', async () => {
    const titleOf = async (sessionId: string, token: string) =>
      problem.parse((await stack.api('GET', `/api/v1/sessions/${sessionId}/summary`, undefined, token)).body)
        .title;
    const { page, context } = await openPage(browser, TV);
    await page.goto(reportUrl('ses_no_such_class', displayToken));
    expect(await noticeOf(page)).toBe(await titleOf('ses_no_such_class', displayToken));
    expect(await page.locator('.notice p').textContent()).toContain('No such class');

    await page.goto(reportUrl(live.sessionId, 'not-a-token'));
    await page.reload();
    expect(await noticeOf(page)).toBe(await titleOf(live.sessionId, 'not-a-token'));
    expect(await page.locator('.notice p').textContent()).toContain('token is not accepted');
    await screenshot(page, 'report-refused');
    await context.close();
  });

  it('loads the chart library on the report only, never on the class screen', async () => {
    const scriptsOf = async (url: string, ready: string) => {
      const { page, context } = await openPage(browser, TV);
      const scripts: Promise<string>[] = [];
      page.on('response', (response) => {
        if (response.url().endsWith('.js')) scripts.push(response.text());
      });
      await page.goto(url);
      await page.locator(ready).first().waitFor();
      const bodies = await Promise.all(scripts);
      await context.close();
      return bodies;
    };
    // A class name uPlot's own code sets on its legend: in its code, and in no page of ours.
    const hasUPlot = (bodies: string[]) => bodies.some((body) => body.includes('u-legend'));
    expect(hasUPlot(await scriptsOf(reportUrl(live.sessionId, displayToken), '.hr-chart'))).toBe(true);
    const screenUrl = `${stack.apiUrl}/screen/${live.sessionId}#token=${encodeURIComponent(displayToken)}`;
    expect(hasUPlot(await scriptsOf(screenUrl, '.notice, .class-board'))).toBe(false);
  });
});
