// A year of ended classes as the platform's log holds them, for the startup
// bench: each class scheduled, 8 to 12 members joining with their profiles, a
// few leaving, started, ended, sometimes a max-HR raise, a timer for some; and,
// for the classes of the last week (what the HR stream keeps), their heart
// rate as ingest writes it. Pure and seeded: a generator of batches of events
// in log order, written by startup-writer.ts.
import { z } from 'zod';
import { eventSubjects, type SessionEvent } from '#contracts';
import { thresholdsOf } from '#domain';
import { createRng, type Rng } from '../simulator/random.js';
import {
  MINUTE_MS,
  envelope,
  heartRateEvents,
  timerEvents,
  type Joined,
  type LoggedEvent,
  type Raise,
} from './startup-class-events.js';
import { benchStudios, idOf, joinProfile, pick, type BenchStudio } from './startup-studios.js';

export { MINUTE_MS, type LoggedEvent } from './startup-class-events.js';

export const DAY_MS = 24 * 60 * MINUTE_MS;
export const YEAR_MS = 365 * DAY_MS;
/** The HR stream's retention (libs/eventstore/src/streams.ts): older classes have no heart rate left. */
export const HEART_RATE_KEPT_MS = 7 * DAY_MS;
/** Classes generated (and their events sorted into log order) at a time. */
export const CLASSES_PER_BATCH = 32;
/** About five and a half classes a day per studio. */
export const studiosFor = (classes: number) => Math.max(1, Math.ceil(classes / 2000));

export const yearPlan = z.strictObject({
  endedClasses: z.int().positive(),
  /** The log's present: every class ended before it. */
  now: z.int().positive(),
  seed: z.int().nonnegative(),
  /** Seconds between two heart-rate events (gateway messages) of a class of the last week. */
  hrEveryS: z.int().positive(),
});
export type YearPlan = z.infer<typeof yearPlan>;

export interface PlannedClass {
  sessionId: string;
  studioId: string;
  startedAt: number;
  endedAt: number;
  /** Its session events in log order (what its class index entry is folded from). */
  sessionEvents: SessionEvent[];
}

export interface LogBatch {
  /** Events of every stream, in the order they reach the log. */
  events: LoggedEvent[];
  classes: PlannedClass[];
}

const TITLES = ['Spin 45', 'HIIT', 'Row & Ride', 'Tabata Burn', 'Endurance Ride', 'Core & Cardio', 'EMOM'];

/** Draws `count` distinct items. */
function distinct<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = [...items];
  for (let i = 0; i < count && i < pool.length; i++) {
    const j = i + Math.floor(rng.next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, count);
}

/** Class `index` of the year: its events in log order, heart rate included when it is of the last week. */
function planClass(
  rng: Rng,
  plan: YearPlan,
  studio: BenchStudio,
  index: number,
  ingress: { seq: number },
): { planned: PlannedClass; events: LoggedEvent[] } {
  // Spread evenly over the year; the last one ends well before `now`.
  const slot = (YEAR_MS - 2 * 60 * MINUTE_MS) / plan.endedClasses;
  const jitter = rng.next() * Math.min(slot / 2, 60 * MINUTE_MS);
  const startsAt = Math.round((plan.now - YEAR_MS + index * slot + jitter) / (5 * MINUTE_MS)) * 5 * MINUTE_MS;
  const startedAt = startsAt + Math.floor(rng.next() * 4 * MINUTE_MS);
  const endedAt = startedAt + (30 + Math.floor(rng.next() * 31)) * MINUTE_MS;
  const sessionId = idOf(rng, 's');
  const { studioId } = studio;
  const roster: Joined[] = distinct(rng, studio.members, 8 + Math.floor(rng.next() * 5)).map((member) => {
    const joinedAt = startsAt - 15 * MINUTE_MS + Math.floor(rng.next() * 23 * MINUTE_MS);
    return { ...joinProfile(studio, member, idOf(rng, 'p'), joinedAt), joinedAt, leftAt: null };
  });
  for (const leaving of distinct(rng, roster, 1 + Math.floor(rng.next() * 4))) {
    const from = Math.max(leaving.joinedAt, startedAt) + 5 * MINUTE_MS;
    leaving.leftAt = from + Math.floor(rng.next() * (endedAt - 2 * MINUTE_MS - from));
  }
  const sessionEvents: SessionEvent[] = [
    {
      ...envelope(rng, startsAt - Math.floor(rng.between(1, 72) * 60 * MINUTE_MS)),
      type: 'session.scheduled',
      data: { sessionId, studioId, title: pick(rng, TITLES), startsAt },
    },
    ...roster.map(({ joinedAt, leftAt: _leftAt, ...profile }): SessionEvent => ({
      ...envelope(rng, joinedAt),
      type: 'session.participant-joined',
      data: { sessionId, ...profile },
    })),
    { ...envelope(rng, startedAt), type: 'session.started', data: { sessionId, startedAt } },
    ...roster.flatMap(({ participantId, leftAt }): SessionEvent[] =>
      leftAt === null
        ? []
        : [
            {
              ...envelope(rng, leftAt),
              type: 'session.participant-left',
              data: { sessionId, participantId },
            },
          ],
    ),
    { ...envelope(rng, endedAt), type: 'session.ended', data: { sessionId, endedAt } },
  ];
  let raise: Raise | null = null;
  const at = startedAt + Math.floor(rng.between(0.4, 0.9) * (endedAt - startedAt));
  const raised = roster.find((athlete) => athlete.joinedAt < at && (athlete.leftAt ?? Infinity) > at);
  if (raised !== undefined && rng.next() < 0.3) {
    const maxHr = raised.maxHr + 2 + Math.floor(rng.next() * 5);
    const rule = raised.zoneRule ?? { basis: 'max' as const, percentages: [50, 60, 70, 80, 90] };
    raise = {
      participantId: raised.participantId,
      at,
      maxHr,
      zoneThresholds: thresholdsOf(rule, maxHr, raised.restingHr),
    };
    const { participantId, zoneThresholds } = raise;
    sessionEvents.push({
      ...envelope(rng, at, `${studio.gatewayId}:${ingress.seq}`),
      id: `${sessionId}:${participantId}:max-hr-from:${raised.maxHr}`,
      causationId: `HRM_INGRESS:${ingress.seq}`,
      type: 'session.max-hr-raised',
      data: { sessionId, participantId, previousMaxHr: raised.maxHr, maxHr, zoneThresholds, at },
    });
  }
  sessionEvents.sort((a, b) => a.occurredAt - b.occurredAt);
  const planned = { sessionId, studioId, startedAt, endedAt, sessionEvents };
  const events: LoggedEvent[] = sessionEvents.map((event) => ({
    subject: eventSubjects.session(sessionId),
    event,
  }));
  if (rng.next() < 0.6) {
    const subject = eventSubjects.timer(sessionId);
    events.push(...timerEvents(rng, sessionId, startedAt, endedAt).map((event) => ({ subject, event })));
  }
  if (endedAt > plan.now - HEART_RATE_KEPT_MS)
    events.push(...heartRateEvents(rng, studio, planned, roster, raise, plan.hrEveryS * 1000, ingress));
  return { planned, events };
}

/** The year, `CLASSES_PER_BATCH` classes at a time, each batch's events in the order they happened. */
export function* yearOfClasses(plan: YearPlan): Generator<LogBatch> {
  const rng = createRng(plan.seed);
  const studios = benchStudios(plan.seed, studiosFor(plan.endedClasses));
  const ingress = { seq: 0 };
  for (let first = 0; first < plan.endedClasses; first += CLASSES_PER_BATCH) {
    const batch: LogBatch = { events: [], classes: [] };
    for (let index = first; index < Math.min(plan.endedClasses, first + CLASSES_PER_BATCH); index++) {
      const { planned, events } = planClass(rng, plan, pick(rng, studios), index, ingress);
      batch.classes.push(planned);
      batch.events.push(...events);
    }
    // Stable: a class's events keep their causal order when two share a millisecond.
    batch.events.sort((a, b) => a.event.occurredAt - b.event.occurredAt);
    yield batch;
  }
}
