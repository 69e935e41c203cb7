// What screens need of one class, derived from the domain's fold of it (the
// roster, sent as metadata once; the status) and from its heart rate (each
// athlete's latest value with running totals, sent as coalesced frames, only
// when changed; and their alerts).
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
import type { KnownSession } from '#domain';
import { LOW_BATTERY_PCT, STALE_AFTER_MS, conditionsOf } from './alerts.js';
import { athleteOf, headerOf, metadataOf, sameMetadata, type Athlete } from './live-athlete.js';

/** What a state change means for screens: send metadata, send session:state, or nothing. */
export type LiveChange = 'roster' | 'status' | null;

export class LiveSessionState {
  /** The class as the domain folds it. */
  state: KnownSession;
  session: LiveSession;
  /** EVENTS sequence of the class's last session event: the metadata's version. */
  version: number;
  private readonly athletes = new Map<string, Athlete>();
  private frameSeq = 0;

  constructor(
    state: KnownSession,
    version: number,
    /** `INGEST_MAX_FUTURE_MS`: how far ahead of its recording a sample may be and still count. */
    private readonly maxFutureMs: number = GATEWAY_MAX_FUTURE_MS,
  ) {
    this.state = state;
    this.version = version;
    this.session = headerOf(state);
    this.followRoster(state);
  }

  /** Takes in the class's state after an event at `version`; says what screens must be told. */
  update(state: KnownSession, version: number): LiveChange {
    const before = this.state;
    this.state = state;
    this.version = Math.max(this.version, version);
    const status = state.status !== before.status;
    if (status) this.session = headerOf(state);
    const roster = state.participants !== before.participants && this.followRoster(state);
    if (status) return 'status';
    return roster ? 'roster' : null;
  }

  /** Brings the athletes in line with the present participants; true when the metadata changed. */
  private followRoster(state: KnownSession): boolean {
    let changed = false;
    for (const participant of state.participants.values()) {
      const athlete = this.athletes.get(participant.participantId);
      if (!participant.present) {
        if (athlete) changed = this.athletes.delete(participant.participantId);
      } else if (!athlete) {
        this.athletes.set(participant.participantId, athleteOf(participant));
        changed = true;
      } else if (athlete.participant !== participant) {
        athlete.participant = participant;
        // A raise moves max and zones; a repeat of one (a second ingest saw it) moves nothing.
        const metadata = metadataOf(participant);
        if (sameMetadata(metadata, athlete.metadata)) continue;
        athlete.metadata = metadata;
        changed = true;
      }
    }
    return changed;
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
    const participants = [...this.athletes.values()].map((athlete) => athlete.metadata);
    return { sessionId: this.session.sessionId, version: this.version, participants };
  }

  /** Every present athlete's latest value (for a snapshot). */
  allValues(now: number): LiveValue[] {
    const values: LiveValue[] = [];
    for (const athlete of this.athletes.values()) {
      const value = this.valueOf(athlete, now);
      if (value) values.push(value);
    }
    return values;
  }

  /** Values that differ from the last frame, remembered as sent; null when nothing changed. */
  nextFrame(now: number): { seq: number; values: LiveValue[] } | null {
    const changed: LiveValue[] = [];
    for (const athlete of this.athletes.values()) {
      const value = this.valueOf(athlete, now);
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
      if (athlete.latest === null) continue;
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
    if (!athlete?.alerts.raise('max-hr-raised', now)) return null;
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
