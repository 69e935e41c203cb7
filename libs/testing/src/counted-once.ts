// "Counted once", checked where a sample could be counted twice, not only in
// hr_samples (whose primary key forbids a second row): the HR stream's events
// (a batch written twice by a redelivery), the live totals a screen shows, the
// /summary totals (folded from history in time order) and the same fold over
// the HR stream's events; all three must agree, late samples included. Shared by the kill tests and the
// fault suite (`npm run faults`).
import {
  heartRateSamplesOf,
  isHeartRateEvent,
  sessionSummary,
  type DomainEvent,
  type SessionSummary,
} from '#contracts';
import { summarizeEffort, type EffortProfile } from '#domain';

/** kcal and points a value shows: the summary rounds each athlete's to 0.1. */
export const TOTALS_TOLERANCE = 0.1;

export interface AthleteTotals {
  kcal: number | null;
  points: number;
}

export interface CountedOnceInput {
  /** Samples JetStream acknowledged to the gateway (each batch once, however often it was resent). */
  acked: number;
  /**
   * Samples the gateway itself sent again under a new Nats-Msg-Id (a resend JetStream cannot
   * recognise): they may appear twice in the HR stream, and must still count once everywhere else.
   */
  resent?: number;
  /** Rows of the class in hr_samples. */
  stored: number;
  summary: SessionSummary;
  /** The class's events (EVENTS) and its heart-rate events (HR), each in log order. */
  sessionEvents: readonly DomainEvent[];
  heartRateEvents: readonly DomainEvent[];
  /** What a screen that stayed connected shows, per participant; null without a screen. */
  screen: ReadonlyMap<string, AthleteTotals> | null;
}

export interface CountedOnceReport {
  acked: number;
  stored: number;
  /** Samples the summary says it folded. */
  summarySamples: number;
  /** Samples in the HR stream's events, each occurrence counted. */
  logSamples: number;
  /** Acked samples in none of the above (acked − distinct samples in the log, at least 0). */
  missing: number;
  /** Occurrences of a (participant, ts) beyond its first in the HR stream. */
  duplicated: number;
  totals: { screen: AthleteTotals | null; summary: AthleteTotals; log: AthleteTotals };
  /** Everything that is not counted exactly once; empty when all agree. */
  problems: string[];
}

type Joined = EffortProfile & { participantId: string };

function joinedOf(events: readonly DomainEvent[]): Joined[] {
  const joined = new Map<string, Joined>();
  for (const event of events) {
    if (event.type !== 'session.participant-joined') continue;
    const { participantId, maxHr, restingHr, zoneThresholds, zoneRule, weightKg, sex, age } = event.data;
    joined.set(participantId, {
      participantId,
      maxHr,
      restingHr,
      zoneThresholds,
      weightKg,
      sex,
      age,
      ...(zoneRule !== undefined && { zoneRule }),
    });
  }
  return [...joined.values()];
}

const sumTotals = (totals: Iterable<AthleteTotals>): AthleteTotals => {
  let kcal: number | null = null;
  let points = 0;
  for (const each of totals) {
    if (each.kcal !== null) kcal = (kcal ?? 0) + each.kcal;
    points += each.points;
  }
  return { kcal, points };
};

const differs = (a: number | null, b: number | null) =>
  a === null || b === null ? a !== b : Math.abs(a - b) > TOTALS_TOLERANCE;

/** Compares every count and every athlete's totals; pure, so its own spec shows it can fail. */
export function compareCountedOnce(input: CountedOnceInput): CountedOnceReport {
  const problems: string[] = [];
  const occurrences = new Map<string, number>();
  const samplesOf = new Map<string, Array<{ ts: number; bpm: number; maxHr?: number }>>();
  let logSamples = 0;
  for (const event of input.heartRateEvents) {
    if (!isHeartRateEvent(event)) continue;
    for (const sample of heartRateSamplesOf(event).samples) {
      logSamples++;
      const key = `${sample.participantId}@${sample.ts}`;
      occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
      const list = samplesOf.get(sample.participantId) ?? [];
      list.push(sample);
      samplesOf.set(sample.participantId, list);
    }
  }
  const distinct = occurrences.size;
  const duplicated = logSamples - distinct;
  const missing = Math.max(0, input.acked - distinct);

  // The log's samples folded in time order (a stable sort: the first copy of a sample wins),
  // as history and a screen take them in (a screen places a late sample where it belongs).
  const logTotals = new Map<string, AthleteTotals>();
  for (const athlete of joinedOf(input.sessionEvents)) {
    const inTimeOrder = [...(samplesOf.get(athlete.participantId) ?? [])].sort((a, b) => a.ts - b.ts);
    const effort = summarizeEffort(inTimeOrder, athlete);
    logTotals.set(athlete.participantId, { kcal: effort.kcal, points: effort.points });
  }
  const summaryTotals = new Map(
    input.summary.participants.map((p) => [p.participantId, { kcal: p.kcal, points: p.points }]),
  );

  if (input.stored !== input.acked) problems.push(`stored ${input.stored} ≠ acked ${input.acked}`);
  if (input.summary.totals.samples !== input.acked)
    problems.push(`summary counts ${input.summary.totals.samples} samples ≠ acked ${input.acked}`);
  const resent = input.resent ?? 0;
  if (duplicated > resent)
    problems.push(
      `${duplicated - resent} samples appear more than once in the HR stream` +
        (resent > 0 ? ` (besides the ${resent} the gateway resent)` : ''),
    );
  if (missing > 0) problems.push(`${missing} acked samples are not in the HR stream`);
  for (const [participantId, log] of logTotals) {
    const views: Array<[string, AthleteTotals | undefined]> = [['summary', summaryTotals.get(participantId)]];
    if (input.screen !== null) views.push(['screen', input.screen.get(participantId)]);
    for (const [name, shown] of views) {
      if (shown === undefined) {
        problems.push(`${participantId}: no ${name} totals`);
      } else if (differs(shown.kcal, log.kcal) || differs(shown.points, log.points)) {
        problems.push(
          `${participantId}: ${name} shows kcal ${shown.kcal} points ${shown.points}, the HR stream folds to kcal ${log.kcal} points ${log.points}`,
        );
      }
    }
  }
  return {
    acked: input.acked,
    stored: input.stored,
    summarySamples: input.summary.totals.samples,
    logSamples,
    missing,
    duplicated,
    totals: {
      screen: input.screen === null ? null : sumTotals(input.screen.values()),
      summary: sumTotals(summaryTotals.values()),
      log: sumTotals(logTotals.values()),
    },
    problems,
  };
}

/** Parses GET /api/v1/sessions/:id/summary's body (a helper so callers need not import the contract). */
export const parseSummary = (body: unknown): SessionSummary => sessionSummary.parse(body);
