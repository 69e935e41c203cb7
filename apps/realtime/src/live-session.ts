// What screens need of one class, folded from its events: the roster (sent
// as metadata once), each athlete's latest value with running totals (sent
// as coalesced frames, only when changed), and their alerts.
import type {
  HeartRateEvent,
  RecordedSample,
  HrmMetadata,
  LiveAlert,
  LiveSession,
  LiveValue,
  SessionEvent,
  ValueStatus,
} from '#contracts';
import { GATEWAY_MAX_FUTURE_MS, heartRateSamplesOf, isAheadOfRecording } from '#contracts';
import { LiveEffort, applyMaxHrRaise, type EffortProfile } from '#domain';
import { AlertMemory, LOW_BATTERY_PCT, STALE_AFTER_MS, conditionsOf } from './alerts.js';

interface Athlete {
  metadata: HrmMetadata['participants'][number];
  present: boolean;
  /** Running totals, taking a late sample in where it belongs in time (live-effort.ts). */
  effort: LiveEffort;
  latest: RecordedSample | null;
  /** Server time the latest sample was recorded: staleness is judged on our clock, not the strap's. */
  latestRecordedAt: number;
  /** What the last frame said, to send only what changed. */
  sent: LiveValue | null;
  alerts: AlertMemory;
}

export class LiveSessionState {
  session: LiveSession;
  /** Stream sequence of the last session event: the metadata's version. */
  version = 0;
  private readonly athletes = new Map<string, Athlete>();
  private frameSeq = 0;

  constructor(
    event: Extract<SessionEvent, { type: 'session.scheduled' }>,
    /** `INGEST_MAX_FUTURE_MS`: how far ahead of its recording a sample may be and still count. */
    private readonly maxFutureMs: number = GATEWAY_MAX_FUTURE_MS,
  ) {
    const { sessionId, studioId, title, startsAt } = event.data;
    this.session = {
      sessionId,
      studioId,
      title,
      status: 'scheduled',
      startsAt,
      startedAt: null,
      endedAt: null,
    };
  }

  /** Returns what changed: the roster (send metadata) or the status (send session:state). */
  applySessionEvent(event: SessionEvent, seq: number): 'roster' | 'status' | null {
    this.version = Math.max(this.version, seq);
    switch (event.type) {
      case 'session.scheduled':
        return null;
      case 'session.participant-joined': {
        const { participantId, memberId, displayName, deviceId, maxHr, restingHr, zoneThresholds } =
          event.data;
        const profile: EffortProfile = {
          maxHr,
          zoneThresholds,
          weightKg: event.data.weightKg,
          sex: event.data.sex,
          age: event.data.age,
          restingHr,
          ...(event.data.zoneRule !== undefined && { zoneRule: event.data.zoneRule }),
        };
        this.athletes.set(participantId, {
          metadata: {
            participantId,
            memberId,
            displayName,
            deviceId,
            maxHr,
            ...(restingHr !== null && { restingHr }),
            zoneThresholds,
          },
          present: true,
          effort: new LiveEffort(profile),
          latest: null,
          latestRecordedAt: 0,
          sent: null,
          alerts: this.athletes.get(participantId)?.alerts ?? new AlertMemory(),
        });
        return 'roster';
      }
      case 'session.participant-left': {
        const athlete = this.athletes.get(event.data.participantId);
        if (athlete) athlete.present = false;
        return 'roster';
      }
      case 'session.started':
        this.session = { ...this.session, status: 'live', startedAt: event.data.startedAt };
        return 'status';
      case 'session.ended':
        this.session = { ...this.session, status: 'ended', endedAt: event.data.endedAt };
        return 'status';
      case 'session.max-hr-raised': {
        // The samples carry the new max (the totals follow them); the roster's zones follow this.
        const athlete = this.athletes.get(event.data.participantId);
        if (!athlete) return null;
        const metadata = applyMaxHrRaise(athlete.metadata, event.data);
        if (metadata === athlete.metadata) return null;
        athlete.metadata = metadata;
        return 'roster';
      }
    }
  }

  /**
   * Takes in a heart-rate event's samples (one per athlete, or the legacy one).
   * A sample dated further ahead of its recording than any gateway clock may be
   * (written before ingest bounded timestamps) is left out, not clamped: taken as
   * latest it would make every real sample after it "older" and freeze the athlete
   * until its date, and clamping would invent a time it was never measured at.
   */
  applyHeartRate(event: HeartRateEvent): void {
    for (const sample of heartRateSamplesOf(event).samples) {
      if (isAheadOfRecording(sample.ts, event.recordedAt, this.maxFutureMs)) continue;
      this.applySample(sample, event.recordedAt);
    }
  }

  private applySample(sample: RecordedSample, recordedAt: number): void {
    const athlete = this.athletes.get(sample.participantId);
    if (!athlete) return;
    // At its place in time, each interval under its earlier sample's max, as in the summary.
    athlete.effort.take(sample, recordedAt);
    // A copy of the latest sample (redelivered past the dedupe window) is not a fresh reading.
    if (athlete.latest === null || sample.ts > athlete.latest.ts) {
      athlete.latest = sample;
      athlete.latestRecordedAt = recordedAt;
    }
  }

  metadata(): HrmMetadata {
    const participants = [...this.athletes.values()]
      .filter((athlete) => athlete.present)
      .map((athlete) => athlete.metadata);
    return { sessionId: this.session.sessionId, version: this.version, participants };
  }

  /** Every present athlete's latest value (for a snapshot). */
  allValues(now: number): LiveValue[] {
    const values: LiveValue[] = [];
    for (const athlete of this.athletes.values()) {
      const value = athlete.present ? this.valueOf(athlete, now) : null;
      if (value) values.push(value);
    }
    return values;
  }

  /** Values that differ from the last frame, remembered as sent; null when nothing changed. */
  nextFrame(now: number): { seq: number; values: LiveValue[] } | null {
    const changed: LiveValue[] = [];
    for (const athlete of this.athletes.values()) {
      const value = athlete.present ? this.valueOf(athlete, now) : null;
      if (value === null || sameValue(value, athlete.sent)) continue;
      athlete.sent = value;
      changed.push(value);
    }
    if (changed.length === 0) return null;
    return { seq: ++this.frameSeq, values: changed };
  }

  get seq(): number {
    return this.frameSeq;
  }

  /** Every athlete at the current frame number: for a socket that missed frames. */
  fullFrame(now: number): { seq: number; values: LiveValue[] } {
    return { seq: this.frameSeq, values: this.allValues(now) };
  }

  /**
   * Alerts that begin now (stale, disconnected, no-contact, low-battery), at most
   * once a minute per athlete and kind. Only a live class alerts; `silent` takes
   * note of what is true without alerting (right after a rebuild).
   */
  dueAlerts(now: number, silent = false): LiveAlert[] {
    if (this.session.status !== 'live') return [];
    const alerts: LiveAlert[] = [];
    const sessionId = this.session.sessionId;
    for (const athlete of this.athletes.values()) {
      if (!athlete.present || athlete.latest === null) continue;
      const conditions = conditionsOf(athlete.latest, now - athlete.latestRecordedAt);
      for (const kind of athlete.alerts.observe(conditions, now, silent)) {
        alerts.push({ sessionId, kind, participantId: athlete.metadata.participantId, at: now });
      }
    }
    return alerts;
  }

  /** The max-hr-raised alert of a raise just read from the log, unless one went out in the last minute. */
  maxHrRaisedAlert(
    event: Extract<SessionEvent, { type: 'session.max-hr-raised' }>,
    now: number,
  ): LiveAlert | null {
    const athlete = this.athletes.get(event.data.participantId);
    if (!athlete?.present || !athlete.alerts.raise('max-hr-raised', now)) return null;
    const { sessionId, participantId } = event.data;
    return { sessionId, kind: 'max-hr-raised', participantId, at: event.data.at };
  }

  private valueOf(athlete: Athlete, now: number): LiveValue | null {
    const latest = athlete.latest;
    if (latest === null) return null;
    const { effort } = athlete.effort;
    return {
      participantId: athlete.metadata.participantId,
      bpm: latest.bpm,
      zone: latest.zone,
      pctMax: latest.pctMax,
      kcal: effort.kcal === null ? null : Math.round(effort.kcal * 10) / 10,
      points: Math.round(effort.points * 10) / 10,
      status: statusOf(latest, now - athlete.latestRecordedAt),
      ts: latest.ts,
    };
  }
}

function statusOf(latest: RecordedSample, ageMs: number): ValueStatus {
  if (ageMs > STALE_AFTER_MS) return 'stale';
  if (latest.contact === false) return 'no-contact';
  if (latest.battery !== undefined && latest.battery <= LOW_BATTERY_PCT) return 'low-battery';
  return 'ok';
}

function sameValue(a: LiveValue, b: LiveValue | null): boolean {
  return (
    b !== null &&
    a.ts === b.ts &&
    a.bpm === b.bpm &&
    a.status === b.status &&
    a.kcal === b.kcal &&
    a.points === b.points &&
    a.zone === b.zone
  );
}
