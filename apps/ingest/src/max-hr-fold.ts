// Adaptive max HR decided from the log: the pure fold of one class's
// heart-rate events into `session.max-hr-raised` events.
//
// The samples are taken in the order of the gateway messages they came in
// (their HRM_INGRESS sequence, named by each heart-rate event's causation),
// not in the order the HR stream happens to hold them: two ingest instances
// append the events of neighbouring messages in either order, but the
// ingress stream's order is the same whoever handled it. A message is folded
// only once every message before it is stored (the shell knows this from
// the ingest consumer's ack floor), so the same gateway messages give the
// same raises, whatever the number of ingest instances and restarts.
import {
  GATEWAY_MAX_FUTURE_MS,
  heartRateSamplesOf,
  isAheadOfRecording,
  type HeartRateEvent,
  type MaxHrRaised,
  type ZoneRule,
} from '#contracts';
import { observeMaxHr, thresholdsForMax, watchMaxHr, type MaxHrWatch } from '#domain';

/** What a raise needs of a participant: max HR and zones as the class copied them at join. */
export interface JoinedMaxHr {
  maxHr: number;
  zoneThresholds: number[];
  zoneRule?: ZoneRule;
  restingHr: number | null;
}

interface Athlete {
  /** Max HR and zones now: the join's, moved by each raise of this fold. */
  profile: JoinedMaxHr;
  watch: MaxHrWatch;
}

interface Pending {
  ingressSeq: number;
  event: HeartRateEvent;
}

export interface ClassMaxHr {
  sessionId: string;
  /** Every gateway message up to this ingress sequence is folded. */
  foldedThrough: number;
  /** Heart-rate events read and not folded yet, by ingress sequence. */
  pending: readonly Pending[];
  athletes: ReadonlyMap<string, Athlete>;
}

export const classMaxHr = (sessionId: string): ClassMaxHr => ({
  sessionId,
  foldedThrough: 0,
  pending: [],
  athletes: new Map(),
});

/** The HRM_INGRESS sequence of the gateway message a heart-rate event came from. */
export function ingressSeqOf(event: HeartRateEvent): number | null {
  const match = /^HRM_INGRESS:(\d+)$/.exec(event.causationId ?? '');
  return match?.[1] !== undefined ? Number(match[1]) : null;
}

/**
 * Takes in a heart-rate event as read from the log. A message already folded
 * (a copy appended again after the stream's dedupe window) or already
 * pending changes nothing.
 */
export function receiveHeartRate(state: ClassMaxHr, event: HeartRateEvent): ClassMaxHr {
  const ingressSeq = ingressSeqOf(event);
  // Only the one-sample events written before batches lack it; ingest no longer writes them.
  if (ingressSeq === null || ingressSeq <= state.foldedThrough) return state;
  if (state.pending.some((each) => each.event.id === event.id)) return state;
  const at = state.pending.findIndex((each) => each.ingressSeq > ingressSeq);
  const pending = [...state.pending];
  pending.splice(at === -1 ? pending.length : at, 0, { ingressSeq, event });
  return { ...state, pending };
}

/** Whether a fold through `ackFloor` would take in anything. */
export const hasFoldable = (state: ClassMaxHr, ackFloor: number): boolean =>
  (state.pending[0]?.ingressSeq ?? Infinity) <= ackFloor;

/**
 * Folds the pending events of every gateway message up to `ackFloor`, in
 * ingress order, each participant's samples through their max-HR watch from
 * the max they joined with. Only call it once everything the HR stream holds
 * for the class is received: then every message up to the floor is here.
 * Samples of a participant `joinedOf` does not know are left out, and so is a
 * sample dated further ahead of its recording than any gateway may be (a log
 * written before ingest bounded timestamps): it would hold the watch hostage,
 * as realtime's fold skips it for the same reason.
 */
export function foldMaxHr(
  state: ClassMaxHr,
  ackFloor: number,
  joinedOf: (participantId: string) => JoinedMaxHr | null,
  recordedAt: number,
  maxFutureMs = GATEWAY_MAX_FUTURE_MS,
): { state: ClassMaxHr; raises: MaxHrRaised[] } {
  const athletes = new Map(state.athletes);
  const raises: MaxHrRaised[] = [];
  let folded = 0;
  for (const { ingressSeq, event } of state.pending) {
    if (ingressSeq > ackFloor) break;
    folded++;
    for (const sample of heartRateSamplesOf(event).samples) {
      if (isAheadOfRecording(sample.ts, event.recordedAt, maxFutureMs)) continue;
      const { participantId } = sample;
      const joined = joinedOf(participantId);
      const athlete =
        athletes.get(participantId) ?? (joined && { profile: joined, watch: watchMaxHr(joined.maxHr) });
      if (!athlete) continue;
      const { watch, raisedTo } = observeMaxHr(athlete.watch, sample);
      if (raisedTo === null) {
        athletes.set(participantId, { ...athlete, watch });
        continue;
      }
      const previousMaxHr = athlete.profile.maxHr;
      const zoneThresholds = thresholdsForMax(athlete.profile, raisedTo);
      athletes.set(participantId, {
        profile: { ...athlete.profile, maxHr: raisedTo, zoneThresholds },
        watch,
      });
      raises.push(
        maxHrRaised(state.sessionId, participantId, previousMaxHr, raisedTo, zoneThresholds, sample.ts, {
          event,
          ingressSeq,
          recordedAt,
        }),
      );
    }
  }
  return {
    state: {
      ...state,
      foldedThrough: Math.max(state.foldedThrough, ackFloor),
      pending: state.pending.slice(folded),
      athletes,
    },
    raises,
  };
}

/**
 * The raise's id names the max it was raised from: every instance that folds
 * the same run makes the same event, and JetStream keeps one.
 */
function maxHrRaised(
  sessionId: string,
  participantId: string,
  previousMaxHr: number,
  maxHr: number,
  zoneThresholds: number[],
  at: number,
  cause: { event: HeartRateEvent; ingressSeq: number; recordedAt: number },
): MaxHrRaised {
  return {
    id: `${sessionId}:${participantId}:max-hr-from:${previousMaxHr}`,
    type: 'session.max-hr-raised',
    occurredAt: at,
    recordedAt: cause.recordedAt,
    correlationId: cause.event.correlationId,
    causationId: `HRM_INGRESS:${cause.ingressSeq}`,
    data: { sessionId, participantId, previousMaxHr, maxHr, zoneThresholds, at },
  };
}
