// Logs a person reads: realtime logs each socket that connects to /live, is
// refused, or goes away, at debug, with who it is (studio, role) and why it
// left, and never with the token it authenticated with.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { issuedToken, studio } from '#contracts';
import { TEST_ADMIN_TOKEN, eventually, startTestStack, type TestStack } from '#testing';
import { connected, liveSocket } from './support/screen.js';

const logLine = z.looseObject({ level: z.string(), msg: z.string() });

describe('realtime’s socket log', () => {
  let stack: TestStack;
  let studioId: string;
  let coachToken: string;

  /** Realtime's JSON lines so far, parsed. */
  const lines = () =>
    stack
      .service('realtime')
      .recentOutput(500)
      .split('\n')
      .flatMap((line) => {
        try {
          const parsed = logLine.safeParse(JSON.parse(line));
          return parsed.success ? [parsed.data] : [];
        } catch {
          return [];
        }
      });

  beforeAll(async () => {
    stack = await startTestStack(['api']);
    await stack.addService('realtime', { LOG_LEVEL: 'debug' });
    studioId = studio.parse((await stack.api('POST', '/api/v1/studios', { name: 'Logs' })).body).id;
    coachToken = issuedToken.parse(
      (await stack.api('POST', `/api/v1/studios/${studioId}/tokens`, { role: 'coach' })).body,
    ).token;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('logs a connect and a disconnect at debug with namespace, socket, studio, role and reason, never the token', async () => {
    const socket = liveSocket(stack.serviceUrl('realtime'), coachToken);
    await connected(socket);
    const socketId = socket.id;
    socket.disconnect();

    const left = await eventually(
      () => lines().find((line) => line.msg === 'socket disconnected' && line.socket === socketId),
      'the disconnect in the log',
    );
    const joined = lines().find((line) => line.msg === 'socket connected' && line.socket === socketId);
    expect(joined).toMatchObject({
      level: 'debug',
      service: 'realtime',
      namespace: '/live',
      studio: studioId,
      role: 'coach',
      recovered: false,
    });
    expect(left).toMatchObject({
      level: 'debug',
      namespace: '/live',
      studio: studioId,
      role: 'coach',
      reason: 'client namespace disconnect',
    });
    const output = stack.service('realtime').recentOutput(500);
    expect(output).not.toContain(coachToken);
  });

  it('logs a refused socket without the token it tried, and the operator as admin', async () => {
    const refused = liveSocket(stack.serviceUrl('realtime'), 'hrm_not-a-token-of-anyone-0123456789');
    await expect(connected(refused)).rejects.toThrow('unauthorized');
    refused.close();
    await eventually(
      () => lines().find((line) => line.msg === 'socket refused' && line.namespace === '/live'),
      'the refusal in the log',
    );

    const operator = liveSocket(stack.serviceUrl('realtime'), TEST_ADMIN_TOKEN);
    await connected(operator);
    const socketId = operator.id;
    operator.disconnect();
    await eventually(
      () => lines().find((line) => line.msg === 'socket disconnected' && line.socket === socketId),
      'the operator’s disconnect in the log',
    );
    expect(lines().find((line) => line.msg === 'socket connected' && line.socket === socketId)).toMatchObject(
      {
        studio: null,
        role: 'admin',
      },
    );
    const output = stack.service('realtime').recentOutput(500);
    expect(output).not.toContain('hrm_not-a-token-of-anyone-0123456789');
    expect(output).not.toContain(TEST_ADMIN_TOKEN);
  });
});
