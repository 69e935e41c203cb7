// An athlete's history (contract 3): their classes newest first with per-class
// heart-rate statistics from samples published like a gateway does, and a
// profile change that leaves the classes already joined as they were.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { member, memberSessionPage, sessionView } from '#contracts';
import { eventually, startTestStack, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { expectStatus, setUpLiveClass, type LiveClass } from './support/live-class.js';

const devices = ['ant:120:20001', 'ant:120:20002'];

describe('GET /members/:id/sessions and PATCH /members/:id', () => {
  let stack: TestStack;
  let live: LiveClass;
  let memberId: string;
  let participantId: string;

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest']);
    live = await setUpLiveClass(stack, devices);
    const participant = live.session.participants.find((entry) => entry.deviceId === devices[0]);
    if (participant === undefined) throw new Error('the first strap has no athlete');
    memberId = participant.memberId;
    participantId = participant.participantId;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists the classes an athlete joined, newest first, with stats over the readings only', async () => {
    // The first athlete's bpm: 120, 0 (no reading), 130, 140; the second's: 100 each second.
    const first = [120, 0, 130, 140];
    const start = Date.now();
    const gateway = await TestGateway.connect(stack, live.studioId, 'gw-1');
    for (const [second, bpm] of first.entries()) {
      await gateway.publish(start + second * 1000, devices, (deviceId) =>
        deviceId === devices[0] ? bpm : 100,
      );
    }
    const later = sessionView.parse(
      await expectStatus(
        stack.api('POST', `/api/v1/studios/${live.studioId}/sessions`, { title: 'Later' }),
        201,
      ),
    );
    await expectStatus(stack.api('POST', `/api/v1/sessions/${later.id}/participants`, { memberId }), 201);

    const history = await eventually(async () => {
      const page = memberSessionPage.parse(
        await expectStatus(stack.api('GET', `/api/v1/members/${memberId}/sessions`), 200),
      );
      return page.sessions.find((entry) => entry.id === live.sessionId)?.stats.samples === 4
        ? page
        : undefined;
    }, 'the four samples of the first athlete in their history');
    expect(history.sessions.map((entry) => entry.id)).toEqual([later.id, live.sessionId]);
    expect(history.next).toBeNull();
    expect(history.sessions[0]?.stats).toEqual({
      samples: 0,
      avgBpm: null,
      maxBpm: null,
      firstSampleAt: null,
      lastSampleAt: null,
    });
    // avg (120 + 130 + 140) / 3 = 130; the 0 counts as a sample but not as a reading.
    expect(history.sessions[1]).toMatchObject({
      status: 'live',
      participantIds: [participantId],
      stats: { samples: 4, avgBpm: 130, maxBpm: 140, firstSampleAt: start, lastSampleAt: start + 3000 },
    });

    // One class a page: the cursor leads from the newer class to the older, then ends.
    const pageOne = memberSessionPage.parse(
      await expectStatus(stack.api('GET', `/api/v1/members/${memberId}/sessions?limit=1`), 200),
    );
    expect(pageOne.sessions.map((entry) => entry.id)).toEqual([later.id]);
    const pageTwo = memberSessionPage.parse(
      await expectStatus(
        stack.api('GET', `/api/v1/members/${memberId}/sessions?limit=1&cursor=${pageOne.next}`),
        200,
      ),
    );
    expect(pageTwo.sessions.map((entry) => entry.id)).toEqual([live.sessionId]);
    expect(pageTwo.next).toBeNull();
    const tampered = await stack.api('GET', `/api/v1/members/${memberId}/sessions?cursor=e30`);
    expect(tampered.status).toBe(400);
    expect((await stack.api('GET', '/api/v1/members/m_nobody/sessions')).status).toBe(404);
  });

  it('changes the profile, but a class already joined keeps the profile it copied', async () => {
    const before = live.session.participants.find((entry) => entry.participantId === participantId);
    expect(before?.maxHr).not.toBe(201);
    const changed = member.parse(
      await expectStatus(
        stack.api('PATCH', `/api/v1/members/${memberId}`, { maxHr: 201, restingHr: 50 }),
        200,
      ),
    );
    expect(changed).toMatchObject({ id: memberId, maxHr: 201, restingHr: 50 });
    const session = sessionView.parse(
      await expectStatus(stack.api('GET', `/api/v1/sessions/${live.sessionId}`), 200),
    );
    const after = session.participants.find((entry) => entry.participantId === participantId);
    expect(after?.maxHr).toBe(before?.maxHr);
    expect(after?.restingHr).toBe(before?.restingHr);
  });
});
