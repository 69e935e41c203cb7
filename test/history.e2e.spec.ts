// A scripted class through the gateway contract; its history checked against hand-computed values.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import { z } from 'zod';
import {
  member,
  problem,
  sessionEventsPage,
  sessionSubscribeAck,
  sessionSummary,
  sessionView,
  studio,
} from '#contracts';
import { eventually, startTestStack, TEST_ADMIN_TOKEN, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { expectStatus } from './support/live-class.js';

// Every athlete has max HR 200 (override): percent-max zones start at 100, 120,
// 140, 160, 180 bpm; the 50 % floor is 100 bpm; high intensity is ≥ 168 bpm.
// Samples are [second, bpm]; each interval counts at the earlier sample's bpm.
const year = new Date().getUTCFullYear();
const every = (step: number, until: number, bpm: number) =>
  Array.from({ length: until / step + 1 }, (_, i): [number, number] => [i * step, bpm]);
const athletes = [
  // Male, 80 kg, 40 y. 0–60 s at 150 (zone 3); 60–75 s is a 15 s gap (not counted); 75–85 s
  // at 170 (zone 4, high intensity); 85–90 s at 90 (below the floor: zone 0, nothing else).
  //   Keytel 150: (−55.0969 + 94.635 + 15.904 + 8.068) / 4.184 = 63.5101 / 4.184 ≈ 15.1793 kcal/min × 1
  //   Keytel 170: (−55.0969 + 107.253 + 15.904 + 8.068) / 4.184 ≈ 18.1951 kcal/min × 1/6 ≈ 3.0325
  //   kcal 18.2118 → 18.2; points 3 × 1 + 4 × 1/6 ≈ 3.667 → 3.7; active 70 s → 1.17 min;
  //   avg (13·150 + 2·170 + 2·90) / 17 = 2470 / 17 ≈ 145.3; peak 170 / 200 = 85 %.
  {
    device: 'ant:120:20001',
    body: { displayName: 'Doe, "Jay"', sex: 'male', birthYear: year - 40, weightKg: 80, maxHr: 200 },
    samples: [...every(5, 60, 150), [75, 170], [80, 170], [85, 90], [90, 90]],
    summary: { samples: 17, avgBpm: 145.3, maxBpm: 170, peakPctMax: 85, kcal: 18.2, points: 3.7 },
    minutes: { minutesInZone: [0.08, 0, 0, 1, 0.17, 0], highIntensityMinutes: 0.17, activeMinutes: 1.17 },
  },
  // Female, 60 kg, 30 y. 130 every 10 s (a 10 s gap still counts) to 60 s; bpm 0 at 70 s (no
  // reading: not in avg/max, and 70–75 s counts nowhere); 130 at 75 s. 0–70 s at 130, zone 2:
  //   Keytel (−20.4022 + 58.136 − 7.578 + 2.22) / 4.184 ≈ 7.7380 kcal/min × 7/6 ≈ 9.0277 → 9.0;
  //   points 2 × 7/6 ≈ 2.333 → 2.3; avg 130 over 8 readings; peak 65 %.
  {
    device: 'ant:120:20002',
    body: { displayName: 'Bea', sex: 'female', birthYear: year - 30, weightKg: 60, maxHr: 200 },
    samples: [...every(10, 60, 130), [70, 0], [75, 130]],
    summary: { samples: 9, avgBpm: 130, maxBpm: 130, peakPctMax: 65, kcal: 9, points: 2.3 },
    minutes: { minutesInZone: [0, 0, 1.17, 0, 0, 0], highIntensityMinutes: 0, activeMinutes: 1.17 },
  },
  // Sex unspecified, no weight: kcal null. 0–30 s at 180: zone 5, 4 × 0.5 = 2 points, high intensity.
  {
    device: 'ant:120:20003',
    body: { displayName: 'Cy', birthYear: year - 25, maxHr: 200 },
    samples: every(5, 30, 180),
    summary: { samples: 7, avgBpm: 180, maxBpm: 180, peakPctMax: 90, kcal: null, points: 2 },
    minutes: { minutesInZone: [0, 0, 0, 0, 0, 0.5], highIntensityMinutes: 0.5, activeMinutes: 0.5 },
  },
] as const;
// Totals: 33 samples; kcal 18.2118 + 9.0277 = 27.2395 → 27.2; points 3.667 + 2.333 + 2 = 8;
// high intensity 10 + 30 s → 0.67 min; active 70 + 70 + 30 s → 2.83; zones 0..5: 5, 0, 70, 60, 10, 30 s.
const totals = { participants: 3, samples: 33, kcal: 27.2, points: 8, highIntensityMinutes: 0.67 };
const totalMinutes = { activeMinutes: 2.83, minutesInZone: [0.08, 0, 1.17, 1, 0.17, 0.5] };
type Totals = { participantId: string; kcal: number | null; points: number };
const byParticipant = (a: Totals, b: Totals) => a.participantId.localeCompare(b.participantId);

describe('a class in history: summary, event log and CSV', () => {
  let stack: TestStack;
  let sessionId: string;
  /** What a screen showed at the end of the class: its running totals. */
  let screenTotals: Totals[] = [];
  const participantOf = new Map<string, string>();
  const call = (method: string, route: string, status: number, body?: unknown) =>
    expectStatus(stack.api(method, `/api/v1${route}`, body), status);

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime']);
    const studioId = studio.parse(await call('POST', '/studios', 201, { name: 'H' })).id;
    sessionId = sessionView.parse(
      await call('POST', `/studios/${studioId}/sessions`, 201, { title: 'S' }),
    ).id;
    for (const athlete of athletes) {
      const { id } = member.parse(await call('POST', `/studios/${studioId}/members`, 201, athlete.body));
      await call('PUT', `/studios/${studioId}/devices/${encodeURIComponent(athlete.device)}`, 200, {
        memberId: id,
      });
      const joined = await call('POST', `/sessions/${sessionId}/participants`, 201, { memberId: id });
      participantOf.set(athlete.device, z.object({ participantId: z.string() }).parse(joined).participantId);
    }
    await call('POST', `/sessions/${sessionId}/start`, 200);

    const gateway = await TestGateway.connect(stack, studioId, 'gw-h');
    const start = Date.now() + 1000;
    for (let second = 0; second <= 90; second++) {
      const bpmOf = new Map<string, number>(
        athletes.flatMap((a) => a.samples.filter(([at]) => at === second).map(([, bpm]) => [a.device, bpm])),
      );
      if (bpmOf.size > 0)
        await gateway.publish(start + second * 1000, [...bpmOf.keys()], (device) => bpmOf.get(device) ?? -1);
    }
    await eventually(
      async () => ((await fetchCsv(stack, sessionId)).text.split('\r\n').length === 35 ? true : undefined),
      'history to hold all 33 samples',
    );

    const lastTs = new Map(
      athletes.map((a) => [participantOf.get(a.device), start + (a.samples.at(-1)?.[0] ?? 0) * 1000]),
    );
    const socket = io(`${stack.realtimeUrl}/live`, { auth: { token: TEST_ADMIN_TOKEN } });
    const values = await eventually(async () => {
      const ack = sessionSubscribeAck.parse(
        await socket.timeout(5000).emitWithAck('session:subscribe', { sessionId }),
      );
      if (!ack.ok) throw new Error(ack.error.message);
      const latest = ack.snapshot.values.values;
      return latest.length === 3 && latest.every((v) => v.ts === lastTs.get(v.participantId))
        ? latest
        : undefined;
    }, 'the screen to show every last sample');
    socket.close();
    screenTotals = values.map(({ participantId, kcal, points }) => ({ participantId, kcal, points }));
    await call('POST', `/sessions/${sessionId}/end`, 200);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('summarises each athlete as computed by hand, and equals what the screen showed', async () => {
    const summary = sessionSummary.parse(await call('GET', `/sessions/${sessionId}/summary`, 200));
    expect(summary.status).toBe('ended');
    expect(summary.durationMs).toBe((summary.endedAt ?? 0) - (summary.startedAt ?? 0));
    for (const { device, body, summary: expected, minutes } of athletes) {
      const found = summary.participants.find((p) => p.participantId === participantOf.get(device));
      expect(found).toMatchObject({ ...expected, ...minutes, displayName: body.displayName, maxHr: 200 });
    }
    expect(summary.totals).toEqual({ ...totals, ...totalMinutes });
    const fromSummary = summary.participants.map(({ participantId, kcal, points }) => ({
      participantId,
      kcal,
      points,
    }));
    expect(fromSummary.sort(byParticipant)).toEqual(screenTotals.sort(byParticipant));
  });

  it('pages the event log with after, limit and next', async () => {
    const route = `/sessions/${sessionId}/events`;
    const all = sessionEventsPage.parse(await call('GET', route, 200));
    const joins = athletes.map(() => 'session.participant-joined');
    const types = ['session.scheduled', ...joins, 'session.started', 'session.ended'];
    expect(all.events.map((e) => e.type)).toEqual(types);
    expect(all.next).toBeNull();
    const first = sessionEventsPage.parse(await call('GET', `${route}?limit=4`, 200));
    expect(first.events).toEqual(all.events.slice(0, 4));
    expect(first.next).toBe(all.events[3]?.seq);
    const second = sessionEventsPage.parse(
      await call('GET', `${route}?limit=4&after=${first.next ?? 0}`, 200),
    );
    expect(second.events).toEqual(all.events.slice(4));
    expect(second.next).toBeNull();
    for (const bad of ['limit=0', 'limit=1001', 'limit=ten', 'after=-1', 'page=2']) {
      expect(problem.parse(await call('GET', `${route}?${bad}`, 400)).status).toBe(400);
    }
  });

  it('exports every sample as CSV, by participant then time, with names escaped', async () => {
    const csv = await fetchCsv(stack, sessionId);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${sessionId}.csv"`);
    const [header, ...rows] = csv.text.trimEnd().split('\r\n');
    expect(header).toBe('participant_id,display_name,ts_iso,ts_ms,bpm,zone,rr_ms,contact,battery');
    expect(rows).toHaveLength(33);
    const jay = participantOf.get('ant:120:20001') ?? '';
    expect(rows.filter((row) => row.startsWith(`${jay},"Doe, ""Jay""",`))).toHaveLength(17);
    // Ordered by participant, then ts (13-digit epoch ms sorts as text).
    const keys = rows.map((row) => `${row.split(',')[0] ?? ''}|${/,(\d{13}),/.exec(row)?.[1] ?? ''}`);
    expect(keys).toEqual([...keys].sort());
  });

  it("answers 404 for an unknown class and for another studio's", async () => {
    const other = studio.parse(await call('POST', '/studios', 201, { name: 'Other' }));
    const issued = await call('POST', `/studios/${other.id}/tokens`, 201, { role: 'operator' });
    const token = z.object({ token: z.string() }).parse(issued).token;
    for (const path of ['summary', 'events', 'export.csv']) {
      expect((await stack.api('GET', `/api/v1/sessions/no-such-class/${path}`)).status).toBe(404);
      const foreign = await stack.api('GET', `/api/v1/sessions/${sessionId}/${path}`, undefined, token);
      expect(foreign.status).toBe(404);
    }
  });
});

async function fetchCsv(stack: TestStack, sessionId: string) {
  const url = `${stack.apiUrl}/api/v1/sessions/${sessionId}/export.csv`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
