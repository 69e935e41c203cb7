// Listing classes (contract 3): stable keyset pagination, filters, cursor
// tampering, studio scope and roles.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { member, problem, sessionPage, sessionView, studio, type SessionPage } from '#contracts';
import { startTestStack, TEST_ADMIN_TOKEN, type TestStack } from '#testing';
import { expectStatus } from './support/live-class.js';

const issued = z.object({ token: z.string() });

describe('GET /sessions and PATCH /members/:id', () => {
  let stack: TestStack;
  let studioA: string;
  let studioB: string;
  let memberB: string;
  /** Studio A's classes, in the order they were scheduled. */
  const classes: string[] = [];
  const tokens = { display: '', coach: '' };

  const list = async (query: string, token = tokens.display): Promise<SessionPage> =>
    sessionPage.parse(
      await expectStatus(stack.api('GET', `/api/v1/sessions?${query}`, undefined, token), 200),
    );
  const ids = (result: SessionPage) => result.sessions.map((session) => session.id);
  const fieldsAtFault = (body: unknown) =>
    (problem.parse(body).errors ?? []).map((error) => error.path).sort();

  beforeAll(async () => {
    stack = await startTestStack(['api']);
    studioA = studio.parse(await expectStatus(stack.api('POST', '/api/v1/studios', { name: 'A' }), 201)).id;
    studioB = studio.parse(await expectStatus(stack.api('POST', '/api/v1/studios', { name: 'B' }), 201)).id;
    memberB = member.parse(
      await expectStatus(
        stack.api('POST', `/api/v1/studios/${studioB}/members`, { displayName: 'Bea' }),
        201,
      ),
    ).id;
    await expectStatus(stack.api('POST', `/api/v1/studios/${studioB}/sessions`, { title: 'B class' }), 201);
    for (const role of ['display', 'coach'] as const) {
      const body = await expectStatus(stack.api('POST', `/api/v1/studios/${studioA}/tokens`, { role }), 201);
      tokens[role] = issued.parse(body).token;
    }
    // c0..c3 have no planned start; c4..c6 are planned on 1, 2 and 3 January 2030.
    const startsAt = [
      null,
      null,
      null,
      null,
      '2030-01-01T10:00:00Z',
      '2030-01-02T10:00:00Z',
      '2030-01-03T10:00:00Z',
    ];
    for (const [index, start] of startsAt.entries()) {
      const body = { title: `Class ${index}`, ...(start !== null && { startsAt: start }) };
      const created = await stack.api('POST', `/api/v1/studios/${studioA}/sessions`, body);
      classes.push(sessionView.parse(await expectStatus(Promise.resolve(created), 201)).id);
    }
    // c0 ran and ended; c6 started now, so it files under now, not under its planned start.
    await expectStatus(stack.api('POST', `/api/v1/sessions/${classes[0]}/start`), 200);
    await expectStatus(stack.api('POST', `/api/v1/sessions/${classes[0]}/end`), 200);
    await expectStatus(stack.api('POST', `/api/v1/sessions/${classes[6]}/start`), 200);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('pages through every class exactly once, newest first, in a stable order', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `studioId=${studioA}&limit=3${cursor === null ? '' : `&cursor=${cursor}`}`;
      const result = await list(query);
      seen.push(...ids(result));
      sizes.push(result.sessions.length);
      cursor = result.next;
    } while (cursor !== null);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...classes].reverse());
    expect(ids(await list(`studioId=${studioA}&limit=100`))).toEqual(seen);
    const first = (await list(`studioId=${studioA}&limit=1`)).sessions[0];
    expect(first).toMatchObject({ id: classes[6], status: 'live', participantCount: 0 });
    expect(first).not.toHaveProperty('participants');
  });

  it('filters by status and by start time, and pages through a filtered list', async () => {
    expect(ids(await list(`studioId=${studioA}&status=live`))).toEqual([classes[6]]);
    expect(ids(await list(`studioId=${studioA}&status=ended`))).toEqual([classes[0]]);
    expect(ids(await list(`studioId=${studioA}&from=2030-01-01T00:00:00Z`))).toEqual([
      classes[5],
      classes[4],
    ]);
    expect(
      ids(await list(`studioId=${studioA}&from=2030-01-01T12:00:00Z&to=2030-01-03T00:00:00%2B01:00`)),
    ).toEqual([classes[5]]);
    const now = Date.now();
    const recent = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
    expect(ids(await list(`studioId=${studioA}&${recent}`))).toEqual(
      [classes[0], classes[1], classes[2], classes[3], classes[6]].reverse(),
    );
    const firstPage = await list(`studioId=${studioA}&status=scheduled&limit=2`);
    expect(ids(firstPage)).toEqual([classes[5], classes[4]]);
    const secondPage = await list(`studioId=${studioA}&status=scheduled&limit=2&cursor=${firstPage.next}`);
    expect(ids(secondPage)).toEqual([classes[3], classes[2]]);
  });

  it('answers 400 with the parameter at fault for a tampered cursor or a bad query', async () => {
    const forged = Buffer.from(JSON.stringify({ createdAt: -1, id: 'x' })).toString('base64url');
    const notJson = Buffer.from('{"createdAt":').toString('base64url');
    for (const cursor of [forged, notJson, 'abc', 'not%20a%20cursor', 'x'.repeat(300)]) {
      const response = await stack.api('GET', `/api/v1/sessions?studioId=${studioA}&cursor=${cursor}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(fieldsAtFault(response.body)).toEqual(['cursor']);
    }
    const bad: Array<[string, string[]]> = [
      ['limit=0', ['limit']],
      ['limit=101', ['limit']],
      ['limit=ten', ['limit']],
      ['status=paused', ['status']],
      ['from=yesterday', ['from']],
      ['from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', ['to']],
      ['page=2', ['page']],
    ];
    for (const [query, fields] of bad) {
      const response = await stack.api('GET', `/api/v1/sessions?studioId=${studioA}&${query}`);
      expect([query, response.status]).toEqual([query, 400]);
      expect(fieldsAtFault(response.body)).toEqual(fields);
    }
  });

  it("keeps a studio token to its own studio: another studio's classes and athletes are 404", async () => {
    const other = await stack.api('GET', `/api/v1/sessions?studioId=${studioB}`, undefined, tokens.display);
    expect(other.status).toBe(404);
    const unnamed = await stack.api('GET', '/api/v1/sessions', undefined, tokens.display);
    expect(unnamed.status).toBe(400);
    expect(fieldsAtFault(unnamed.body)).toEqual(['studioId']);
    const history = await stack.api('GET', `/api/v1/members/${memberB}/sessions`, undefined, tokens.coach);
    expect(history.status).toBe(404);
    const patch = await stack.api('PATCH', `/api/v1/members/${memberB}`, { maxHr: 180 }, tokens.coach);
    expect(patch.status).toBe(404);
    // The bootstrap operator lists every studio when it names none.
    const all = ids(await list('limit=100', TEST_ADMIN_TOKEN));
    expect(all).toEqual(expect.arrayContaining(classes));
    expect(all).toHaveLength(classes.length + 1);
  });

  it('lets a display token list but not change an athlete (403); a coach can', async () => {
    const athlete = member.parse(
      await expectStatus(
        stack.api('POST', `/api/v1/studios/${studioA}/members`, { displayName: 'Ann', weightKg: 60 }),
        201,
      ),
    );
    const path = `/api/v1/members/${athlete.id}`;
    expect((await stack.api('PATCH', path, { maxHr: 185 }, tokens.display)).status).toBe(403);
    const changed = member.parse(
      await expectStatus(
        stack.api(
          'PATCH',
          path,
          { displayName: 'Ann B', maxHr: 185, weightKg: null, sex: 'female' },
          tokens.coach,
        ),
        200,
      ),
    );
    expect(changed).toEqual({ ...athlete, displayName: 'Ann B', maxHr: 185, weightKg: null, sex: 'female' });
    expect((await stack.api('PATCH', '/api/v1/members/m_nobody', { maxHr: 185 })).status).toBe(404);
  });

  it('answers 400 with field errors for a bad PATCH, and changes nothing', async () => {
    const athlete = member.parse(
      await expectStatus(stack.api('POST', `/api/v1/studios/${studioA}/members`, { displayName: 'Bo' }), 201),
    );
    const path = `/api/v1/members/${athlete.id}`;
    const cases: Array<[unknown, string[]]> = [
      [{ maxHr: 999, birthYear: 'old', displayName: null }, ['birthYear', 'displayName', 'maxHr']],
      [{ nickname: 'B' }, ['(root)']],
      [{ sex: null }, ['sex']],
      [{}, ['(root)']],
    ];
    for (const [body, fields] of cases) {
      const response = await stack.api('PATCH', path, body, tokens.coach);
      expect(response.status).toBe(400);
      expect(fieldsAtFault(response.body)).toEqual(fields);
    }
    const members = z
      .object({ members: z.array(member) })
      .parse(await expectStatus(stack.api('GET', `/api/v1/studios/${studioA}/members`), 200)).members;
    expect(members.find((entry) => entry.id === athlete.id)).toEqual(athlete);
  });
});
