// NATS down is an outage too: a command the API cannot append to the log, or a
// studio it cannot register, answers 503 problem+json with Retry-After (not a
// 500 with a stack), and the same request succeeds once NATS is back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { problem, sessionView, studio } from '#contracts';
import { eventually, startTestStack, type TestStack } from '#testing';
import { expectStatus } from './support/live-class.js';

describe('the API while NATS is down', () => {
  let stack: TestStack;
  let studioId: string;
  let sessionId: string;

  beforeAll(async () => {
    stack = await startTestStack(['api']);
    studioId = studio.parse(
      await expectStatus(stack.api('POST', '/api/v1/studios', { name: 'Log' }), 201),
    ).id;
    sessionId = sessionView.parse(
      await expectStatus(stack.api('POST', `/api/v1/studios/${studioId}/sessions`, { title: 'Row' }), 201),
    ).id;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 with Retry-After for writes during the outage, and takes them after it', async () => {
    await stack.nats.stop(true);
    const writes: Array<[string, string, unknown]> = [
      ['POST', `/api/v1/sessions/${sessionId}/start`, undefined],
      ['POST', '/api/v1/studios', { name: 'During the outage' }],
    ];
    for (const [method, route, body] of writes) {
      const answer = await stack.api(method, route, body);
      expect({ route, status: answer.status }).toEqual({ route, status: 503 });
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(problem.parse(answer.body)).toMatchObject({ status: 503, type: 'urn:hrm:log:unavailable' });
    }
    expect(stack.service('api').recentOutput(2000)).not.toContain('request failed');

    await stack.nats.start();
    await eventually(
      async () => {
        const answer = await stack.api('POST', `/api/v1/sessions/${sessionId}/start`);
        return answer.status === 200 || answer.status === 201 ? answer : undefined;
      },
      'the class to start once NATS is back',
      20_000,
    );
    expect(stack.service('api').running).toBe(true);
  }, 90_000);
});
