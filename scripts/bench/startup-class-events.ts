// The timer and heart-rate events of a class of the startup bench's year
// (startup-log.ts): a coach's timer program run through the class, and one
// heart-rate event per gateway message as ingest writes them
// (apps/ingest/src/heart-rate-events.ts), for the classes the HR stream keeps.
import { eventSubjects, type DomainEvent, type RecordedSample, type TimerEvent } from '#contracts';
import { normalizeTimerProgram, pctMaxOf, zoneOf, type ParticipantJoinedData } from '#domain';
import type { Rng } from '../simulator/random.js';
import { uuidOf, type BenchStudio } from './startup-studios.js';

export const MINUTE_MS = 60_000;

export interface LoggedEvent {
  subject: string;
  event: DomainEvent;
}

/** Writes the envelope fields of an event; `recordedAt` a moment after it happened. */
export const envelope = (rng: Rng, occurredAt: number, correlationId = uuidOf(rng)) => ({
  id: uuidOf(rng),
  occurredAt,
  recordedAt: occurredAt + Math.floor(rng.next() * 40),
  correlationId,
  causationId: null,
});

export function timerEvents(rng: Rng, sessionId: string, startedAt: number, endedAt: number): TimerEvent[] {
  const input =
    rng.next() < 0.5
      ? { preset: 'tabata' as const, rounds: 8 + Math.floor(rng.next() * 8) }
      : { preset: 'emom' as const, minutes: 20 + Math.floor(rng.next() * 20) };
  const normalized = normalizeTimerProgram(input);
  if (!normalized.ok) throw new Error(`bench timer program refused: ${JSON.stringify(normalized.errors)}`);
  const at = (offset: number) => ({ ...envelope(rng, offset), data: { sessionId, at: offset } });
  const events: TimerEvent[] = [
    {
      ...envelope(rng, startedAt - MINUTE_MS),
      type: 'timer.program-set',
      data: { sessionId, program: normalized.program, at: startedAt - MINUTE_MS },
    },
    { ...at(startedAt + 30_000), type: 'timer.started' },
  ];
  if (rng.next() < 0.5) {
    const middle = Math.round((startedAt + endedAt) / 2);
    events.push(
      { ...at(middle), type: 'timer.paused' },
      { ...at(middle + MINUTE_MS), type: 'timer.resumed' },
    );
  }
  events.push({ ...at(endedAt - 30_000), type: 'timer.reset' });
  return events;
}

export type Joined = Omit<ParticipantJoinedData, 'sessionId'> & { joinedAt: number; leftAt: number | null };
export type Raise = { participantId: string; at: number; maxHr: number; zoneThresholds: number[] };

/** One gateway message's samples of the class every `everyMs`, for athletes present with a strap. */
export function heartRateEvents(
  rng: Rng,
  studio: BenchStudio,
  planned: { sessionId: string; startedAt: number; endedAt: number },
  roster: readonly Joined[],
  raise: Raise | null,
  everyMs: number,
  ingress: { seq: number },
): LoggedEvent[] {
  const { sessionId, startedAt, endedAt } = planned;
  const phases = roster.map(() => rng.next() * 2 * Math.PI);
  const events: LoggedEvent[] = [];
  for (let sentAt = startedAt; sentAt < endedAt; sentAt += everyMs) {
    const samples: RecordedSample[] = [];
    roster.forEach((athlete, index) => {
      // Straps out of step within the second; only samples ingest assigns (its participant window).
      const ts = sentAt + Math.floor(rng.next() * 900);
      const { deviceId, joinedAt, leftAt } = athlete;
      if (deviceId === null || joinedAt > ts || (leftAt ?? Infinity) <= ts || ts >= endedAt) return;
      const raised = raise?.participantId === athlete.participantId && ts >= raise.at;
      const { maxHr, zoneThresholds } = raised ? raise : athlete;
      const rest = athlete.restingHr ?? 65;
      const effort = 0.62 + 0.22 * Math.sin((ts - startedAt) / 240_000 + (phases[index] ?? 0));
      const bpm = Math.round(
        rest + (maxHr - rest) * Math.min(1.02, Math.max(0.35, effort + 0.04 * rng.normal())),
      );
      samples.push({
        participantId: athlete.participantId,
        deviceId,
        ts,
        bpm,
        zone: zoneOf(bpm, zoneThresholds),
        pctMax: pctMaxOf(bpm, maxHr),
        maxHr,
        contact: true,
        rssi: -55 - Math.floor(rng.next() * 25),
      });
    });
    if (samples.length === 0) continue;
    const streamSeq = ++ingress.seq;
    const occurredAt = Math.min(...samples.map((sample) => sample.ts));
    events.push({
      subject: eventSubjects.heartRate(sessionId, studio.gatewayId),
      event: {
        id: `${sessionId}:${streamSeq}:${samples[0]?.ts ?? occurredAt}`,
        type: 'heart-rate.batch-recorded',
        occurredAt,
        recordedAt: occurredAt + 1000,
        correlationId: `${studio.gatewayId}:${streamSeq}`,
        causationId: `HRM_INGRESS:${streamSeq}`,
        data: { sessionId, studioId: studio.studioId, gatewayId: studio.gatewayId, samples },
      },
    });
  }
  return events;
}
