// One athlete of a class as screens see it, derived from the domain's
// participant (profile as joined, max and zones as raised, present), and the
// class's header derived from its state.
import type { HrmMetadata, LiveSession, LiveValue, RecordedSample } from '#contracts';
import { LiveEffort, type EffortProfile, type KnownSession, type Participant } from '#domain';
import { AlertMemory } from './alerts.js';

export type AthleteMetadata = HrmMetadata['participants'][number];

/** A present athlete (one who left is dropped: a participant id never joins twice). */
export interface Athlete {
  /** The fold's participant this athlete was last derived from. */
  participant: Participant;
  metadata: AthleteMetadata;
  /** Running totals, taking a late sample in where it belongs in time (live-effort.ts). */
  effort: LiveEffort;
  latest: RecordedSample | null;
  /** Server time the latest sample was recorded: staleness is judged on our clock, not the strap's. */
  latestRecordedAt: number;
  /** What the last frame said, to send only what changed. */
  sent: LiveValue | null;
  alerts: AlertMemory;
}

/** The class as a snapshot and session:state name it. */
export function headerOf(state: KnownSession): LiveSession {
  const { sessionId, studioId, title, status, startsAt } = state;
  const startedAt = state.status === 'scheduled' ? null : state.startedAt;
  const endedAt = state.status === 'ended' ? state.endedAt : null;
  return { sessionId, studioId, title, status, startsAt, startedAt, endedAt };
}

/** A participant who joined: their totals count under the profile as copied at join. */
export function athleteOf(participant: Participant): Athlete {
  const { maxHr, zoneThresholds, zoneRule, restingHr } = participant.joined;
  const profile: EffortProfile = {
    maxHr,
    zoneThresholds,
    weightKg: participant.weightKg,
    sex: participant.sex,
    age: participant.age,
    restingHr,
    ...(zoneRule !== undefined && { zoneRule }),
  };
  return {
    participant,
    metadata: metadataOf(participant),
    effort: new LiveEffort(profile),
    latest: null,
    latestRecordedAt: 0,
    sent: null,
    alerts: new AlertMemory(),
  };
}

/** The roster line screens get: max and zones as raised so far, resting HR only when known. */
export function metadataOf(participant: Participant): AthleteMetadata {
  const { participantId, memberId, displayName, deviceId, maxHr, restingHr, zoneThresholds } = participant;
  return {
    participantId,
    memberId,
    displayName,
    deviceId,
    maxHr,
    ...(restingHr !== null && { restingHr }),
    zoneThresholds,
  };
}

export function sameMetadata(a: AthleteMetadata, b: AthleteMetadata): boolean {
  return (
    a.maxHr === b.maxHr &&
    a.restingHr === b.restingHr &&
    a.displayName === b.displayName &&
    a.deviceId === b.deviceId &&
    a.zoneThresholds.length === b.zoneThresholds.length &&
    a.zoneThresholds.every((threshold, index) => threshold === b.zoneThresholds[index])
  );
}
