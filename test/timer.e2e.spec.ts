// The interval timer through the real API: REST routes with their auth,
// If-Match and rule errors, a restart mid-segment, the event log and summary,
// and the NATS responder a realtime instance forwards coaches' commands to.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import {
  commandReply,
  commandSubjects,
  problem,
  sessionEventsPage,
  sessionSummary,
  sessionView,
  studio,
  timerState,
  type TimerState,
} from '#contracts';
import { startTestStack, type TestStack } from '#testing';

const issued = z.object({ id: z.string(), token: z.string() });

describe('interval timer', () => {
  let stack: TestStack;
  let nats: NatsConnection;
  let studioA: string;
  let studioB: string;
  let sessionId: string;
  const tokens = { display: '', coach: '' };
  const tokenIds = { display: '', coach: '' };

  const timer = (path: string) => `/api/v1/sessions/${sessionId}/timer${path}`;
  const call = async (method: string, route: string, body?: unknown, token?: string, ifMatch?: string) => {
    const response = await fetch(`${stack.apiUrl}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token ?? 'test-admin-token-0123456789abcdef'}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(ifMatch !== undefined && { 'if-match': ifMatch }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? null : JSON.parse(text),
      etag: response.headers.get('etag'),
    };
  };
  const state = async (): Promise<TimerState & { etag: string | null }> => {
    const response = await call('GET', timer(''));
    expect(response.status).toBe(200);
    return { ...timerState.parse(response.body), etag: response.etag };
  };
  const ruleOf = (body: unknown) => problem.parse(body).type;

  beforeAll(async () => {
    stack = await startTestStack(['api']);
    nats = await stack.connectNats();
    studioA = studio.parse((await stack.api('POST', '/api/v1/studios', { name: 'A' })).body).id;
    studioB = studio.parse((await stack.api('POST', '/api/v1/studios', { name: 'B' })).body).id;
    for (const role of ['display', 'coach'] as const) {
      const token = issued.parse(
        (await stack.api('POST', `/api/v1/studios/${studioA}/tokens`, { role })).body,
      );
      tokens[role] = token.token;
      tokenIds[role] = token.id;
    }
    const created = await stack.api('POST', `/api/v1/studios/${studioA}/sessions`, {
      title: 'Tabata',
      timer: { preset: 'tabata' },
    });
    expect(created.status).toBe(201);
    sessionId = sessionView.parse(created.body).id;
  }, 120_000);

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
  });

  it('sets the program given when the class is scheduled; the timer is idle, with its own ETag', async () => {
    const idle = await state();
    expect(idle).toMatchObject({ sessionId, status: 'idle', phase: null, remainingMs: null, elapsedMs: 0 });
    expect(idle.program).toMatchObject({ preset: 'tabata', prepareSec: 10, rounds: 8 });
    expect(idle.etag).toBe(`"${idle.version}"`);
    expect(Math.abs(idle.serverTime - Date.now())).toBeLessThan(5_000);
  });

  it('refuses a bad program with 400 and its fields, and creates no class with one', async () => {
    const unreachable = await call('PUT', timer(''), {
      preset: 'custom',
      segments: [{ kind: 'work', durationSec: 30 }],
      rounds: 'unbounded',
      cooldownSec: 60,
    });
    expect(unreachable.status).toBe(400);
    expect(problem.parse(unreachable.body).errors?.map((error) => error.path)).toEqual(['cooldownSec']);
    const empty = await call('PUT', timer(''), { preset: 'custom', segments: [], rounds: 2 });
    expect(empty.status).toBe(400);
    const badClass = await stack.api('POST', `/api/v1/studios/${studioA}/sessions`, {
      title: 'Too long',
      timer: { preset: 'custom', segments: [{ kind: 'work', durationSec: 3600 }], rounds: 5 },
    });
    expect(badClass.status).toBe(400);
    expect(problem.parse(badClass.body).errors?.map((error) => error.path)).toEqual(['timer']);
  });

  it('answers 409 for commands that make no sense, and 412 for a stale If-Match', async () => {
    const pause = await call('POST', timer('/pause'), undefined, tokens.coach);
    expect(pause.status).toBe(409);
    expect(ruleOf(pause.body)).toBe('urn:hrm:rule:not-running');
    expect(ruleOf((await call('POST', timer('/reset'))).body)).toBe('urn:hrm:rule:not-started');
    const { version } = await state();
    const stale = await call('POST', timer('/start'), undefined, tokens.coach, `"${version - 1}"`);
    expect(stale.status).toBe(412);
    expect(problem.parse(stale.body).detail).toContain(`version ${version}`);
    expect((await call('POST', timer('/jump'), undefined, tokens.coach)).status).toBe(400);
  });

  it('lets a coach start it, with If-Match; a display token gets 403, another studio 404', async () => {
    const displayToken = await call('POST', timer('/start'), undefined, tokens.display);
    expect(displayToken.status).toBe(403);
    expect((await call('PUT', timer(''), { preset: 'stopwatch' }, tokens.display)).status).toBe(403);
    const otherStudio = sessionView.parse(
      (await stack.api('POST', `/api/v1/studios/${studioB}/sessions`, { title: 'B' })).body,
    ).id;
    expect(
      (await call('GET', `/api/v1/sessions/${otherStudio}/timer`, undefined, tokens.display)).status,
    ).toBe(404);
    expect(
      (await call('POST', `/api/v1/sessions/${otherStudio}/timer/start`, undefined, tokens.coach)).status,
    ).toBe(404);

    const { etag } = await state();
    const started = await call('POST', timer('/start'), undefined, tokens.coach, etag ?? undefined);
    expect(started.status).toBe(200);
    const running = timerState.parse(started.body);
    expect(running).toMatchObject({
      status: 'running',
      phase: 'prepare',
      round: 0,
      remainingMs: 10_000,
      elapsedMs: 0,
    });
    expect(running.segmentEndsAt).toBe(running.serverTime + 10_000);
    expect(started.etag).toBe(`"${running.version}"`);

    const change = await call('PUT', timer(''), { preset: 'amrap', minutes: 12 }, tokens.coach);
    expect(change.status).toBe(409);
    expect(ruleOf(change.body)).toBe('urn:hrm:rule:timer-running');
    expect(ruleOf((await call('POST', timer('/start'))).body)).toBe('urn:hrm:rule:already-started');
  });

  it('keeps the class and its timer apart: a timer command moves no class version, and back', async () => {
    const classBefore = await stack.api('GET', `/api/v1/sessions/${sessionId}`);
    const classEtag = classBefore.headers.get('etag') ?? '';
    const timerBefore = await state();
    const skip = await call('POST', timer('/skip'), undefined, tokens.coach, timerBefore.etag ?? undefined);
    expect(skip.status).toBe(200);
    expect(timerState.parse(skip.body)).toMatchObject({
      phase: 'work',
      round: 1,
      segmentIndex: 0,
      remainingMs: 20_000,
    });
    const start = await call(
      'POST',
      `/api/v1/sessions/${sessionId}/start`,
      undefined,
      tokens.coach,
      classEtag,
    );
    expect(start.status).toBe(200);
    expect((await state()).version).toBe(timerState.parse(skip.body).version);
  });

  it('reports the same segmentEndsAt to the millisecond after the API restarts mid-segment', async () => {
    const before = await state();
    expect(before.status).toBe('running');
    const api = stack.service('api');
    await api.stop(true);
    await api.start();
    const after = await state();
    expect(after.serverTime).toBeGreaterThan(before.serverTime);
    if (after.stepIndex === before.stepIndex) {
      expect(after.segmentEndsAt).toBe(before.segmentEndsAt);
    } else {
      // The restart took longer than the segment: the boundary it crossed is the one promised.
      expect(after.segmentEndsAt).toBeGreaterThan(before.segmentEndsAt ?? Infinity);
    }
    expect(after.elapsedMs - before.elapsedMs).toBe(after.serverTime - before.serverTime);
  });

  it('takes coach commands over NATS on cmd.timer.<sessionId>, checked like REST', async () => {
    const request = async (payload: unknown, subject = commandSubjects.timer(sessionId)) => {
      const message = await nats.request(subject, JSON.stringify(payload), { timeout: 5_000 });
      return commandReply.parse(message.json());
    };
    // The owner checks the token again, so the actor names a real one.
    const coach = { kind: 'studio', studioId: studioA, role: 'coach', tokenId: tokenIds.coach };
    const paused = await request({ command: { sessionId, action: 'pause' }, actor: coach });
    expect(paused.ok).toBe(true);
    const pausedState = timerState.parse(paused.ok ? paused.state : null);
    expect(pausedState).toMatchObject({ sessionId, status: 'paused' });
    expect(pausedState.segmentEndsAt).toBeUndefined();
    expect(await state()).toMatchObject({ status: 'paused', version: pausedState.version });

    const refusal = (reply: Awaited<ReturnType<typeof request>>) => (reply.ok ? null : reply.error.code);
    expect(refusal(await request({ command: { sessionId, action: 'pause' }, actor: coach }))).toBe(
      'rule:not-running',
    );
    expect(
      refusal(
        await request({ command: { sessionId, action: 'resume' }, actor: { ...coach, role: 'display' } }),
      ),
    ).toBe('forbidden');
    expect(
      refusal(
        await request({ command: { sessionId, action: 'resume' }, actor: { ...coach, studioId: studioB } }),
      ),
    ).toBe('not-found');
    expect(refusal(await request({ command: { sessionId, action: 'fly' }, actor: coach }))).toBe(
      'bad-request',
    );
    expect(
      refusal(
        await request(
          { command: { sessionId: 's_nope', action: 'resume' }, actor: { kind: 'admin' } },
          commandSubjects.timer('s_nope'),
        ),
      ),
    ).toBe('not-found');
    expect(
      refusal(
        await request(
          { command: { sessionId, action: 'resume' }, actor: coach },
          commandSubjects.timer('s_other'),
        ),
      ),
    ).toBe('bad-request');
    const garbage = await nats.request(commandSubjects.timer(sessionId), 'not json', { timeout: 5_000 });
    expect(refusal(commandReply.parse(garbage.json()))).toBe('bad-request');

    const resumed = await request({ command: { sessionId, action: 'resume' }, actor: { kind: 'admin' } });
    expect(resumed.ok && timerState.parse(resumed.state).status).toBe('running');
  });

  it('keeps every timer command in the class event log, merged in order, and the summary counts work', async () => {
    const page = sessionEventsPage.parse(
      (await stack.api('GET', `/api/v1/sessions/${sessionId}/events`)).body,
    );
    const types = page.events.map((event) => event.type);
    expect(types.filter((type) => type.startsWith('timer.'))).toEqual([
      'timer.program-set',
      'timer.started',
      'timer.skipped',
      'timer.paused',
      'timer.resumed',
    ]);
    expect(types.indexOf('session.started')).toBeGreaterThan(types.indexOf('timer.skipped'));
    const seqs = page.events.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const summary = sessionSummary.parse(
      (await stack.api('GET', `/api/v1/sessions/${sessionId}/summary`)).body,
    );
    expect(summary.timer?.workMs).toBeGreaterThan(0);
    expect(summary.timer?.restMs).toBeGreaterThanOrEqual(0);
    const fresh = sessionView.parse(
      (await stack.api('POST', `/api/v1/studios/${studioA}/sessions`, { title: 'No timer' })).body,
    );
    const none = sessionSummary.parse((await stack.api('GET', `/api/v1/sessions/${fresh.id}/summary`)).body);
    expect(none.timer).toBeNull();
  });
});
