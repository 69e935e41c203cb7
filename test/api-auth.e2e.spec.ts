// Every route is authenticated and scoped to its studio (contract 3).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { problem, sessionView, studio } from '#contracts';
import { startTestStack, type TestStack } from '#testing';

const issued = z.object({ id: z.string(), role: z.string(), token: z.string() });

describe('API authentication and studio scope', () => {
  let stack: TestStack;
  let studioA: string;
  let studioB: string;
  let sessionB: string;
  const tokens: Record<'display' | 'coach' | 'operator', string> = { display: '', coach: '', operator: '' };

  beforeAll(async () => {
    stack = await startTestStack(['api']);
    studioA = studio.parse((await stack.api('POST', '/api/v1/studios', { name: 'A' })).body).id;
    studioB = studio.parse((await stack.api('POST', '/api/v1/studios', { name: 'B' })).body).id;
    sessionB = sessionView.parse(
      (await stack.api('POST', `/api/v1/studios/${studioB}/sessions`, { title: 'B class' })).body,
    ).id;
    for (const role of ['display', 'coach', 'operator'] as const) {
      const response = await stack.api('POST', `/api/v1/studios/${studioA}/tokens`, { role });
      expect(response.status).toBe(201);
      tokens[role] = issued.parse(response.body).token;
    }
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 401 without a token or with an unknown one, as problem+json', async () => {
    for (const token of ['', 'hrm_not-a-real-token']) {
      const response = await stack.api('GET', `/api/v1/studios/${studioA}`, undefined, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(problem.parse(response.body).status).toBe(401);
    }
  });

  it("answers 404 for another studio's data, as if it did not exist", async () => {
    expect((await stack.api('GET', `/api/v1/studios/${studioB}`, undefined, tokens.operator)).status).toBe(
      404,
    );
    expect((await stack.api('GET', `/api/v1/sessions/${sessionB}`, undefined, tokens.operator)).status).toBe(
      404,
    );
    expect(
      (await stack.api('POST', `/api/v1/sessions/${sessionB}/start`, undefined, tokens.coach)).status,
    ).toBe(404);
    expect(
      (await stack.api('GET', `/api/v1/sessions/${sessionB}/heart-rate`, undefined, tokens.display)).status,
    ).toBe(404);
  });

  it('lets a display token read but not write, and only operators issue tokens', async () => {
    expect((await stack.api('GET', `/api/v1/studios/${studioA}`, undefined, tokens.display)).status).toBe(
      200,
    );
    const write = await stack.api(
      'POST',
      `/api/v1/studios/${studioA}/members`,
      { displayName: 'X' },
      tokens.display,
    );
    expect(write.status).toBe(403);
    const coachWrite = await stack.api(
      'POST',
      `/api/v1/studios/${studioA}/members`,
      { displayName: 'X' },
      tokens.coach,
    );
    expect(coachWrite.status).toBe(201);
    expect(
      (await stack.api('POST', `/api/v1/studios/${studioA}/tokens`, { role: 'display' }, tokens.coach))
        .status,
    ).toBe(403);
    expect(
      (await stack.api('POST', `/api/v1/studios/${studioA}/tokens`, { role: 'display' }, tokens.operator))
        .status,
    ).toBe(201);
    expect((await stack.api('POST', '/api/v1/studios', { name: 'C' }, tokens.operator)).status).toBe(403);
  });

  it('answers 400 with field errors for a bad body, and changes nothing', async () => {
    const before = await stack.api('GET', `/api/v1/studios/${studioA}/members`);
    const response = await stack.api('POST', `/api/v1/studios/${studioA}/members`, {
      displayName: '',
      weightKg: 'heavy',
    });
    expect(response.status).toBe(400);
    const body = problem.parse(response.body);
    expect(body.errors?.map((error) => error.path).sort()).toEqual(['displayName', 'weightKg']);
    expect((await stack.api('GET', `/api/v1/studios/${studioA}/members`)).body).toEqual(before.body);
  });

  it('answers 409 for a broken rule and 412 for a stale If-Match', async () => {
    const created = await stack.api('POST', `/api/v1/studios/${studioA}/sessions`, { title: 'A class' });
    const session = sessionView.parse(created.body);
    expect(created.headers.get('etag')).toBe(`"${session.version}"`);
    const ended = await stack.api('POST', `/api/v1/sessions/${session.id}/end`);
    expect(ended.status).toBe(409);
    expect(problem.parse(ended.body).type).toBe('urn:hrm:rule:not-live');
    const started = await stack.api('POST', `/api/v1/sessions/${session.id}/start`);
    expect(started.status).toBe(200);
    const stale = await fetch(`${stack.apiUrl}/api/v1/sessions/${session.id}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.coach}`, 'if-match': `"${session.version}"` },
    });
    expect(stale.status).toBe(412);
    const current = sessionView.parse(started.body);
    const fresh = await fetch(`${stack.apiUrl}/api/v1/sessions/${session.id}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.coach}`, 'if-match': `"${current.version}"` },
    });
    expect(fresh.status).toBe(200);
  });

  it('takes many roster changes to one class at once without If-Match, every one of them', async () => {
    const session = sessionView.parse(
      (await stack.api('POST', `/api/v1/studios/${studioA}/sessions`, { title: 'Busy class' })).body,
    );
    const members = await Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        const created = await stack.api('POST', `/api/v1/studios/${studioA}/members`, {
          displayName: `Athlete ${index}`,
        });
        return z.object({ id: z.string() }).parse(created.body).id;
      }),
    );
    const joins = await Promise.all(
      members.map((memberId) =>
        stack.api('POST', `/api/v1/sessions/${session.id}/participants`, { memberId }),
      ),
    );
    expect(joins.map((join) => join.status)).toEqual(members.map(() => 201));
    const read = sessionView.parse((await stack.api('GET', `/api/v1/sessions/${session.id}`)).body);
    expect(read.participants.map((p) => p.memberId).sort()).toEqual([...members].sort());
  });

  it('answers health without a token', async () => {
    const response = await fetch(`${stack.apiUrl}/healthz`);
    expect(response.status).toBe(200);
  });

  it('revokes a token at once and never shows a secret when listing', async () => {
    const issuedNow = issued.parse(
      (
        await stack.api(
          'POST',
          `/api/v1/studios/${studioA}/tokens`,
          { role: 'display', label: 'lobby' },
          tokens.operator,
        )
      ).body,
    );
    expect((await stack.api('GET', `/api/v1/studios/${studioA}`, undefined, issuedNow.token)).status).toBe(
      200,
    );
    const listed = await stack.api('GET', `/api/v1/studios/${studioA}/tokens`, undefined, tokens.operator);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(issuedNow.token);
    expect(JSON.stringify(listed.body)).toContain('lobby');
    expect(
      (
        await stack.api(
          'DELETE',
          `/api/v1/studios/${studioA}/tokens/${issuedNow.id}`,
          undefined,
          tokens.coach,
        )
      ).status,
    ).toBe(403);
    expect((await stack.api('DELETE', `/api/v1/studios/${studioB}/tokens/${issuedNow.id}`)).status).toBe(404);
    expect(
      (
        await stack.api(
          'DELETE',
          `/api/v1/studios/${studioA}/tokens/${issuedNow.id}`,
          undefined,
          tokens.operator,
        )
      ).status,
    ).toBe(204);
    expect((await stack.api('GET', `/api/v1/studios/${studioA}`, undefined, issuedNow.token)).status).toBe(
      401,
    );
    expect(
      (
        await stack.api(
          'DELETE',
          `/api/v1/studios/${studioA}/tokens/${issuedNow.id}`,
          undefined,
          tokens.operator,
        )
      ).status,
    ).toBe(404);
  });

  it("changes a studio's settings for classes joined from then on, and refuses bad ones", async () => {
    const athlete = z.object({ id: z.string() }).parse(
      (
        await stack.api('POST', `/api/v1/studios/${studioA}/members`, {
          displayName: 'Age',
          birthYear: 1996,
        })
      ).body,
    );
    const age = new Date().getUTCFullYear() - 1996;
    const join = async () => {
      const session = sessionView.parse(
        (await stack.api('POST', `/api/v1/studios/${studioA}/sessions`, { title: 'T' })).body,
      );
      const joined = await stack.api('POST', `/api/v1/sessions/${session.id}/participants`, {
        memberId: athlete.id,
      });
      return z.object({ session: sessionView }).parse(joined.body).session;
    };
    const before = await join();
    expect(before.participants[0]?.maxHr).toBe(Math.round(208 - 0.7 * age)); // tanaka, the default

    const patch = (body: unknown, token = tokens.operator) =>
      stack.api('PATCH', `/api/v1/studios/${studioA}`, body, token);
    expect((await patch({ maxHrFormula: 'fox' }, tokens.coach)).status).toBe(403);
    expect(
      (await stack.api('PATCH', `/api/v1/studios/${studioB}`, { maxHrFormula: 'fox' }, tokens.operator))
        .status,
    ).toBe(404);
    const bad = await patch({ timezone: 'Mars/Olympus', zoneModel: 'custom' });
    expect(bad.status).toBe(400);
    expect(problem.parse(bad.body).errors?.map((error) => error.path)).toContain('timezone');
    expect(problem.parse((await patch({ zoneModel: 'custom' })).body).errors?.[0]?.path).toBe('customZones');
    const changed = await patch({ maxHrFormula: 'fox', timezone: 'Europe/Berlin' });
    expect(studio.parse(changed.body)).toMatchObject({ maxHrFormula: 'fox', timezone: 'Europe/Berlin' });

    expect((await join()).participants[0]?.maxHr).toBe(220 - age); // fox, for the new class
    const earlier = sessionView.parse((await stack.api('GET', `/api/v1/sessions/${before.id}`)).body);
    expect(earlier.participants[0]?.maxHr).toBe(Math.round(208 - 0.7 * age)); // the old class keeps its copy
  });
});
