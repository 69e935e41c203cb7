// Adaptive max HR through the whole stack: an athlete above their max for 30 s
// has it raised, the class's log says so, zones follow from then on, and the
// screen's totals still equal the summary's.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import { z } from 'zod';
import {
  member,
  sessionEventsPage,
  sessionSubscribeAck,
  sessionSummary,
  sessionView,
  studio,
} from '#contracts';
import { eventually, startTestStack, TEST_ADMIN_TOKEN, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { expectStatus } from './support/live-class.js';

// Max HR 180 (override), percent-max: zones from 90, 108, 126, 144, 162. A sample every 5 s:
//   0–25 s at 170 (zone 5), 30–60 s above 180: 186, 190, 188, 187, 189, 190, 188, then 65–90 s at 165.
// At 60 s the run above 180 is 30 s long and its lowest reading is 186: max 180 + 6 = 186, and
// zones from 93, 112, 130, 149, 167. So 165 after the raise is zone 4, where under 180 it was 5.
// The raise is decided from the log once the 60 s sample is stored, so that sample carries the max
// before it, and the samples ingest records after reading the raise back carry 186 (the test sends
// them then, as a gateway sending every 5 s would).
//   zone 5: 0–65 s (the 60–65 s interval is 188 under 180) = 65 s → 1.08 min; zone 4: 65–90 s → 0.42 min.
//   peak %max: 190 / 180 = 105.6 (before the raise).
const STRAP = 'ant:120:30001';
const RUN = [186, 190, 188, 187, 189, 190, 188];
const bpmAt = (second: number) => (second < 30 ? 170 : second <= 60 ? (RUN[(second - 30) / 5] ?? 0) : 165);
const SECONDS = Array.from({ length: 19 }, (_, index) => index * 5);

describe('adaptive max HR', () => {
  let stack: TestStack;
  let sessionId: string;
  let participantId: string;
  let start: number;
  let screen: { kcal: number | null; points: number; zone: number; maxHr: number | undefined };
  const call = (method: string, route: string, status: number, body?: unknown) =>
    expectStatus(stack.api(method, `/api/v1${route}`, body), status);

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime']);
    const studioId = studio.parse(await call('POST', '/studios', 201, { name: 'Adaptive' })).id;
    sessionId = sessionView.parse(
      await call('POST', `/studios/${studioId}/sessions`, 201, { title: 'S' }),
    ).id;
    const body = {
      displayName: 'Max',
      sex: 'male',
      birthYear: new Date().getUTCFullYear() - 40,
      weightKg: 80,
      maxHr: 180,
    };
    const { id } = member.parse(await call('POST', `/studios/${studioId}/members`, 201, body));
    const joined = await call('POST', `/sessions/${sessionId}/participants`, 201, {
      memberId: id,
      deviceId: STRAP,
    });
    participantId = z.object({ participantId: z.string() }).parse(joined).participantId;
    await call('POST', `/sessions/${sessionId}/start`, 200);

    const gateway = await TestGateway.connect(stack, studioId, 'gw-a');
    start = Date.now() + 1000;
    const send = async (seconds: number[]) => {
      for (const second of seconds)
        await gateway.publish(start + second * 1000, [STRAP], () => bpmAt(second));
    };
    await send(SECONDS.filter((second) => second <= 60));
    await eventually(async () => {
      const page = sessionEventsPage.parse(await call('GET', `/sessions/${sessionId}/events`, 200));
      return page.events.some((event) => event.type === 'session.max-hr-raised') ? true : undefined;
    }, 'the raise in the class log');
    await send(SECONDS.filter((second) => second > 60));

    const socket = io(`${stack.realtimeUrl}/live`, { auth: { token: TEST_ADMIN_TOKEN } });
    screen = await eventually(async () => {
      const ack = sessionSubscribeAck.parse(
        await socket.timeout(5000).emitWithAck('session:subscribe', { sessionId }),
      );
      if (!ack.ok) throw new Error(ack.error.message);
      const [value] = ack.snapshot.values.values;
      const [athlete] = ack.snapshot.metadata.participants;
      return value?.ts === start + 90_000 && athlete?.maxHr === 186
        ? { kcal: value.kcal, points: value.points, zone: value.zone, maxHr: athlete.maxHr }
        : undefined;
    }, 'the screen to show the last sample under the raised max');
    socket.close();
    await eventually(async () => {
      const summary = sessionSummary.parse(await call('GET', `/sessions/${sessionId}/summary`, 200));
      return summary.totals.samples === SECONDS.length ? true : undefined;
    }, 'history to hold every sample');
    await call('POST', `/sessions/${sessionId}/end`, 200);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("logs one raise in the class's events, at the sample that completed 30 s above max", async () => {
    const page = sessionEventsPage.parse(await call('GET', `/sessions/${sessionId}/events`, 200));
    const raises = page.events.filter((event) => event.type === 'session.max-hr-raised');
    expect(raises.map((event) => event.data)).toEqual([
      {
        sessionId,
        participantId,
        previousMaxHr: 180,
        maxHr: 186,
        zoneThresholds: [93, 112, 130, 149, 167],
        at: start + 60_000,
      },
    ]);
  });

  it('shows the raised max and the zone under it on the screen and in the class', async () => {
    expect(screen).toMatchObject({ maxHr: 186, zone: 4 });
    const session = sessionView.parse(await call('GET', `/sessions/${sessionId}`, 200));
    expect(session.participants[0]).toMatchObject({ participantId, maxHr: 186 });
  });

  it('summarises with zones under the max in effect at each sample, equal to what the screen showed', async () => {
    const summary = sessionSummary.parse(await call('GET', `/sessions/${sessionId}/summary`, 200));
    const [athlete] = summary.participants;
    expect(athlete).toMatchObject({
      maxHr: 186,
      peakPctMax: 105.6,
      maxBpm: 190,
      minutesInZone: [0, 0, 0, 0, 0.42, 1.08],
      kcal: screen.kcal,
      points: screen.points,
    });
  });
});
