// A token stops working on open sockets too (issue 12, finding 5): revoking it,
// or its expiry, disconnects its sockets on every realtime instance within 2 s
// (after telling the client why), and the owner of a forwarded command refuses
// it once the token is no longer valid, whatever realtime cached at the handshake.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  authRevoked,
  commandReply,
  commandSubjects,
  sessionView,
  studio,
  timerState,
  type AuthRevoked,
} from '#contracts';
import { createDb, type Db } from '#db';
import { eventually, startTestStack, type TestStack } from '#testing';
import { expectStatus } from './support/live-class.js';
import { connected, liveSocket } from './support/screen.js';

const issued = z.object({ id: z.string(), token: z.string() });

/** A socket that records why and when it was ended. */
interface Watched {
  socket: Socket;
  revoked: AuthRevoked[];
  disconnected: { at: number; reason: string } | null;
}

async function watchedSocket(url: string, token: string): Promise<Watched> {
  const socket = liveSocket(url, token);
  const watched: Watched = { socket, revoked: [], disconnected: null };
  socket.on('auth:revoked', (payload: unknown) => watched.revoked.push(authRevoked.parse(payload)));
  socket.on('disconnect', (reason) => (watched.disconnected = { at: Date.now(), reason }));
  await connected(socket);
  return watched;
}

describe('revoked and expired tokens on open sockets', () => {
  let stack: TestStack;
  let nats: NatsConnection;
  let db: Db;
  let studioId: string;
  let sessionId: string;
  const sockets: Socket[] = [];
  const call = (method: string, route: string, status: number, body?: unknown) =>
    expectStatus(stack.api(method, `/api/v1${route}`, body), status);
  const issue = async (role: 'coach' | 'display', expiresAt?: number) =>
    issued.parse(
      await call('POST', `/studios/${studioId}/tokens`, 201, {
        role,
        ...(expiresAt !== undefined && { expiresAt: new Date(expiresAt).toISOString() }),
      }),
    );
  const onBothInstances = async (token: string) => {
    const both = [
      await watchedSocket(stack.serviceUrl('realtime'), token),
      await watchedSocket(stack.serviceUrl('realtime#2'), token),
    ];
    sockets.push(...both.map((each) => each.socket));
    return both;
  };
  const ended = (watched: Watched[]) =>
    eventually(
      () => (watched.every((each) => each.disconnected !== null) ? true : undefined),
      'every socket of the token to be disconnected',
      10_000,
    );

  beforeAll(async () => {
    stack = await startTestStack(['api', 'realtime']);
    await stack.addService('realtime');
    nats = await stack.connectNats();
    db = createDb(stack.databaseUrl, 1);
    studioId = studio.parse(await call('POST', '/studios', 201, { name: 'Tokens' })).id;
    sessionId = sessionView.parse(
      await call('POST', `/studios/${studioId}/sessions`, 201, {
        title: 'Tabata',
        timer: { preset: 'tabata' },
      }),
    ).id;
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await nats?.close();
    await db?.$disconnect();
    await stack?.stop();
  });

  it('revoking a token disconnects its sockets on both instances within 2 s, and refuses its next handshake', async () => {
    const coach = await issue('coach');
    const coachSockets = await onBothInstances(coach.token);
    const bystanders = await onBothInstances((await issue('display')).token);

    const revokedAt = Date.now();
    await call('DELETE', `/studios/${studioId}/tokens/${coach.id}`, 204);
    await ended(coachSockets);
    for (const each of coachSockets) {
      expect(each.revoked).toEqual([{ reason: 'revoked', at: expect.any(Number) }]);
      expect(each.disconnected?.reason).toBe('io server disconnect');
      expect((each.disconnected?.at ?? Infinity) - revokedAt).toBeLessThan(2000);
    }
    // Other tokens' sockets stay.
    expect(bystanders.every((each) => each.socket.connected && each.revoked.length === 0)).toBe(true);
    // And the token opens no new socket.
    const again = liveSocket(stack.serviceUrl('realtime#2'), coach.token);
    sockets.push(again);
    await expect(connected(again)).rejects.toThrow('unauthorized');
  }, 30_000);

  it('disconnects the sockets of a token when it expires', async () => {
    const expiresAt = Date.now() + 2500;
    const coachSockets = await onBothInstances((await issue('coach', expiresAt)).token);
    await ended(coachSockets);
    for (const each of coachSockets) {
      expect(each.revoked).toEqual([{ reason: 'expired', at: expect.any(Number) }]);
      const at = each.disconnected?.at ?? Infinity;
      expect(at).toBeGreaterThanOrEqual(expiresAt - 50);
      expect(at - expiresAt).toBeLessThan(2000);
    }
  }, 30_000);

  it('the timer refuses a command forwarded for a token revoked since its socket connected', async () => {
    const coach = await issue('coach');
    const tablet = await watchedSocket(stack.serviceUrl('realtime'), coach.token);
    sockets.push(tablet.socket);
    const command = (action: string): Promise<unknown> =>
      tablet.socket.timeout(3000).emitWithAck('timer:command', { sessionId, action });
    // While valid, the coach's commands work.
    expect(await command('start')).toMatchObject({ ok: true, state: { status: 'running' } });

    // Revoked in the table (no API involved): the socket is still open for a moment.
    await db.apiToken.update({ where: { id: coach.id }, data: { revokedAt: new Date() } });
    const raced = await command('pause').catch((): unknown => 'disconnected first');
    if (raced !== 'disconnected first')
      expect(raced).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    // The owner decides from the table, not from what realtime cached: the same envelope
    // realtime forwards, for that token, is refused (deterministically, whatever the race did).
    const reply = await nats.request(
      commandSubjects.timer(sessionId),
      JSON.stringify({
        command: { sessionId, action: 'pause' },
        actor: { kind: 'studio', studioId, role: 'coach', tokenId: coach.id },
      }),
      { timeout: 5000 },
    );
    expect(commandReply.parse(reply.json())).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const timer = timerState.parse(await call('GET', `/sessions/${sessionId}/timer`, 200));
    expect(timer.status).toBe('running');
  }, 30_000);
});
