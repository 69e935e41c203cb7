// Which class participant wears a device, and when: built from the session
// events so that ingest needs nothing but the log to map device → athlete.
import type { SessionEvent } from '#contracts';
import { applyMaxHrRaise } from '#domain';
import type { JoinedMaxHr } from './max-hr-fold.js';

export interface Assignment {
  sessionId: string;
  studioId: string;
  participantId: string;
  maxHr: number;
  /** Zones and max HR of the samples recorded now: the join's, moved by each raise read from the log. */
  zoneThresholds: number[];
  /** Samples count from here (class start, or a later join)… */
  from: number | null;
  /** …up to here (class end, or leaving); null while open. */
  until: number | null;
}

interface ParticipantEntry {
  deviceId: string | null;
  joinedAt: number;
  leftAt: number | null;
  /** Max HR and zones as the class copied them at join: where the adaptive-max fold starts. */
  joined: JoinedMaxHr;
  /** The maxima a `session.max-hr-raised` in the log raised this participant from. */
  raisedFrom: Set<number>;
  assignment: Assignment;
}

interface SessionEntry {
  studioId: string;
  startedAt: number | null;
  endedAt: number | null;
  participants: Map<string, ParticipantEntry>;
}

/** A class that has started, and when it ended (null while live). */
export interface StartedClass {
  sessionId: string;
  endedAt: number | null;
}

export type ClassStatusListener = (sessionId: string, change: 'started' | 'ended') => void;

const deviceKey = (studioId: string, deviceId: string) => `${studioId}\u0000${deviceId}`;

export class SessionDirectory {
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly byDevice = new Map<string, Set<Assignment>>();
  private readonly statusListeners: ClassStatusListener[] = [];
  /** Stream sequence of the last event applied. */
  position = 0;

  /** Told of each class that starts or ends from now on (the max-HR watcher follows live classes). */
  onClassStatus(listener: ClassStatusListener): void {
    this.statusListeners.push(listener);
  }

  /** Every class that has started, ended or not. */
  startedClasses(): StartedClass[] {
    const started: StartedClass[] = [];
    for (const [sessionId, session] of this.sessions) {
      if (session.startedAt !== null) started.push({ sessionId, endedAt: session.endedAt });
    }
    return started;
  }

  /** Max HR and zones of a participant as copied at join, or null when not (yet) read. */
  joinedMaxHr(sessionId: string, participantId: string): JoinedMaxHr | null {
    return this.sessions.get(sessionId)?.participants.get(participantId)?.joined ?? null;
  }

  /** Whether the log read so far holds a raise of this participant from `previousMaxHr`. */
  hasRaise(sessionId: string, participantId: string, previousMaxHr: number): boolean {
    return (
      this.sessions.get(sessionId)?.participants.get(participantId)?.raisedFrom.has(previousMaxHr) ?? false
    );
  }

  /** An event of the class subjects that changes no assignment (a timer's), read up to `seq`. */
  skip(seq: number): void {
    this.position = Math.max(this.position, seq);
  }

  apply(event: SessionEvent, seq: number): void {
    this.position = Math.max(this.position, seq);
    const session = this.sessions.get(event.data.sessionId);
    switch (event.type) {
      case 'session.scheduled':
        if (!session) {
          this.sessions.set(event.data.sessionId, {
            studioId: event.data.studioId,
            startedAt: null,
            endedAt: null,
            participants: new Map(),
          });
        }
        return;
      case 'session.participant-joined': {
        if (!session) return;
        const { participantId, deviceId, maxHr, zoneThresholds, zoneRule, restingHr } = event.data;
        const assignment: Assignment = {
          sessionId: event.data.sessionId,
          studioId: session.studioId,
          participantId,
          maxHr,
          zoneThresholds,
          from: null,
          until: null,
        };
        session.participants.set(participantId, {
          deviceId,
          joinedAt: event.occurredAt,
          leftAt: null,
          joined: { maxHr, zoneThresholds, ...(zoneRule !== undefined && { zoneRule }), restingHr },
          raisedFrom: new Set(),
          assignment,
        });
        if (deviceId !== null) this.index(session.studioId, deviceId).add(assignment);
        this.refreshWindows(session);
        return;
      }
      case 'session.participant-left': {
        const participant = session?.participants.get(event.data.participantId);
        if (!session || !participant) return;
        participant.leftAt = event.occurredAt;
        this.refreshWindows(session);
        return;
      }
      case 'session.started':
        if (!session) return;
        session.startedAt = event.data.startedAt;
        this.refreshWindows(session);
        this.tell(event.data.sessionId, 'started');
        return;
      case 'session.ended':
        if (!session) return;
        session.endedAt = event.data.endedAt;
        this.refreshWindows(session);
        this.tell(event.data.sessionId, 'ended');
        return;
      case 'session.max-hr-raised': {
        const participant = session?.participants.get(event.data.participantId);
        if (!participant) return;
        participant.raisedFrom.add(event.data.previousMaxHr);
        // Samples recorded from now on carry the raised max (a raise from a max no longer held is no change).
        const { assignment } = participant;
        const raised = applyMaxHrRaise(assignment, event.data);
        assignment.maxHr = raised.maxHr;
        assignment.zoneThresholds = raised.zoneThresholds;
        return;
      }
    }
  }

  private tell(sessionId: string, change: 'started' | 'ended'): void {
    for (const listener of this.statusListeners) listener(sessionId, change);
  }

  /** The participant wearing `deviceId` at `ts` in a class of this studio, if any. */
  assignmentFor(studioId: string, deviceId: string, ts: number): Assignment | null {
    let found: Assignment | null = null;
    for (const assignment of this.byDevice.get(deviceKey(studioId, deviceId)) ?? []) {
      if (assignment.from === null || ts < assignment.from) continue;
      if (assignment.until !== null && ts > assignment.until) continue;
      if (found === null || (assignment.from ?? 0) > (found.from ?? 0)) found = assignment;
    }
    return found;
  }

  private index(studioId: string, deviceId: string): Set<Assignment> {
    const key = deviceKey(studioId, deviceId);
    let assignments = this.byDevice.get(key);
    if (!assignments) this.byDevice.set(key, (assignments = new Set()));
    return assignments;
  }

  /** A participant's window is the class's live window, narrowed by a late join or an early leave. */
  private refreshWindows(session: SessionEntry): void {
    for (const participant of session.participants.values()) {
      const { assignment } = participant;
      assignment.from = session.startedAt === null ? null : Math.max(session.startedAt, participant.joinedAt);
      const ends = [session.endedAt, participant.leftAt].filter((value): value is number => value !== null);
      assignment.until = ends.length > 0 ? Math.min(...ends) : null;
    }
  }
}
