// Postgres down is an outage, not a bug: the API answers 503 problem+json with
// Retry-After (also for a studio token it cannot look up), logs it as one
// warning instead of a stack per request, and answers 200 again by itself once
// Postgres is back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issuedToken, problem, sessionView, studio } from '#contracts';
import { eventually, startTestStack, type TestStack } from '#testing';
import { expectStatus } from './support/live-class.js';

describe('the API while its Postgres is down', () => {
  let stack: TestStack;
  let sessionId: string;
  let displayToken: string;

  beforeAll(async () => {
    stack = await startTestStack(['api'], { ownPostgres: true });
    const studioId = studio.parse(
      await expectStatus(stack.api('POST', '/api/v1/studios', { name: 'PG' }), 201),
    ).id;
    sessionId = sessionView.parse(
      await expectStatus(stack.api('POST', `/api/v1/studios/${studioId}/sessions`, { title: 'Spin' }), 201),
    ).id;
    displayToken = issuedToken.parse(
      await expectStatus(stack.api('POST', `/api/v1/studios/${studioId}/tokens`, { role: 'display' }), 201),
    ).token;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 with Retry-After during the outage and 200 after it, without a restart', async () => {
    const routes = [`/api/v1/sessions/${sessionId}/summary`, `/api/v1/sessions/${sessionId}/heart-rate`];
    for (const route of routes) await expectStatus(stack.api('GET', route), 200);
    const api = stack.service('api');
    const linesBefore = api.recentOutput(500).split('\n').length;

    await stack.postgres?.kill();
    for (const [route, token] of [
      ...routes.map((route) => [route, undefined] as const),
      // The guard looks a studio token up in Postgres: unknown is not the same as unreachable.
      [routes[0] ?? '', displayToken] as const,
    ]) {
      const answer = await stack.api('GET', route, undefined, token);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(problem.parse(answer.body)).toMatchObject({ status: 503, type: 'urn:hrm:database:unavailable' });
    }
    const outageLines = api
      .recentOutput(500)
      .split('\n')
      .slice(linesBefore - 1);
    expect(outageLines.filter((line) => line.includes('database unreachable'))).toHaveLength(1);
    expect(outageLines.filter((line) => line.includes('request failed'))).toEqual([]);

    await stack.postgres?.restart();
    for (const route of routes) {
      await eventually(
        async () => ((await stack.api('GET', route)).status === 200 ? true : undefined),
        `${route} to answer 200 again`,
        20_000,
      );
    }
    await expectStatus(stack.api('GET', routes[0] ?? '', undefined, displayToken), 200);
    expect(api.running).toBe(true);
  }, 90_000);
});
