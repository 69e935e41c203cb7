// A class's summary: each athlete's stored samples (one query for the whole
// class), in timestamp order, folded by the same reducer the live screens
// use, with the profile the class copied when they joined (read from the log: the read model lacks weight, sex and age).
// Figures are rounded as the screens round them (kcal and points to 0.1), so a
// screen's totals at the end of a class are the summary's.
import { eventSubjects, isSessionEvent, isTimerEvent, streams, type SessionSummary } from '#contracts';
import type { Db } from '#db';
import {
  foldSession,
  summarizeEffort,
  timerTotalsUntil,
  ZONE_COUNT,
  type EffortProfile,
  type EffortSummary,
  type Participant,
} from '#domain';
import type { EventStore } from '#eventstore';
import { readSamples } from '../projections/sample-chunks.js';

type ParticipantSummary = SessionSummary['participants'][number];

const MS_PER_MINUTE = 60_000;
const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const minutes = (ms: number) => round(ms / MS_PER_MINUTE, 2);

export async function sessionSummary(db: Db, store: EventStore, sessionId: string): Promise<SessionSummary> {
  // Three independent reads: the class's log, its timer's log, its samples.
  const [{ events }, timer, samples] = await Promise.all([
    store.readAggregate(streams.events.name, eventSubjects.session(sessionId)),
    store.readAggregate(streams.events.name, eventSubjects.timer(sessionId)),
    readSamples(db, sessionId),
  ]);
  // The class as the domain folds it: everyone who ever joined, and when it ran.
  const state = foldSession(events.map((stored) => stored.event).filter(isSessionEvent));
  const startedAt = state.status === 'live' || state.status === 'ended' ? state.startedAt : null;
  const endedAt = state.status === 'ended' ? state.endedAt : null;
  const joined = state.status === 'initial' ? [] : [...state.participants.values()];

  const timerEvents = timer.events.map((stored) => stored.event).filter(isTimerEvent);

  const summaries = joined.map((participant) => ({
    participant,
    effort: summarizeEffort(samples.get(participant.participantId) ?? [], profileOf(participant)),
  }));

  const efforts = summaries.map((entry) => entry.effort);
  const sum = (pick: (effort: EffortSummary) => number) =>
    efforts.reduce((total, effort) => total + pick(effort), 0);
  const kcalKnown = efforts.flatMap((effort) => (effort.kcal === null ? [] : [effort.kcal]));
  return {
    sessionId,
    status: endedAt !== null ? 'ended' : startedAt !== null ? 'live' : 'scheduled',
    startedAt,
    endedAt,
    durationMs: startedAt !== null && endedAt !== null ? Math.max(0, endedAt - startedAt) : null,
    participants: summaries.map(({ participant, effort }) => participantSummary(participant, effort)),
    // Up to the class's end: a timer left running after it counts no more.
    timer: timerTotalsUntil(timerEvents, endedAt ?? Date.now()),
    totals: {
      participants: summaries.length,
      samples: sum((effort) => effort.samples),
      kcal:
        kcalKnown.length === 0
          ? null
          : round(
              kcalKnown.reduce((total, kcal) => total + kcal, 0),
              1,
            ),
      points: round(
        sum((effort) => effort.points),
        1,
      ),
      highIntensityMinutes: minutes(sum((effort) => effort.highIntensityMs)),
      activeMinutes: minutes(sum((effort) => effort.activeMs)),
      minutesInZone: Array.from({ length: ZONE_COUNT }, (_, zone) =>
        minutes(sum((effort) => effort.zoneMs[zone] ?? 0)),
      ),
    },
  };
}

/** The profile the class copied at join: each sample carries the max it was recorded under. */
function profileOf(participant: Participant): EffortProfile {
  const { weightKg, sex, age } = participant;
  const { maxHr, zoneThresholds, zoneRule, restingHr } = participant.joined;
  return {
    maxHr,
    weightKg,
    sex,
    age,
    zoneThresholds,
    restingHr,
    ...(zoneRule !== undefined && { zoneRule }),
  };
}

function participantSummary(participant: Participant, effort: EffortSummary): ParticipantSummary {
  return {
    participantId: participant.participantId,
    memberId: participant.memberId,
    displayName: participant.displayName,
    maxHr: effort.maxHr,
    samples: effort.samples,
    avgBpm: effort.avgBpm === null ? null : round(effort.avgBpm, 1),
    maxBpm: effort.maxBpm,
    peakPctMax: effort.peakPctMax,
    minutesInZone: effort.zoneMs.map(minutes),
    kcal: effort.kcal === null ? null : round(effort.kcal, 1),
    points: round(effort.points, 1),
    highIntensityMinutes: minutes(effort.highIntensityMs),
    activeMinutes: minutes(effort.activeMs),
  };
}
