// Which class participant wears a device, and when: built from the session
// events so that ingest needs nothing but the log to map device → athlete.
import type { SessionEvent, ZoneRule } from '#contracts';
import { applyMaxHrRaise, watchMaxHr, type MaxHrWatch } from '#domain';

export interface Assignment {
  sessionId: string;
  studioId: string;
  participantId: string;
  maxHr: number;
  zoneThresholds: number[];
  /** What the class copied at join that zones need when max HR is raised. */
  zoneRule?: ZoneRule;
  restingHr: number | null;
  /** This instance's watch for a run above max HR (adaptive max)… */
  watch: MaxHrWatch;
  /** …and the max it raised from, until the log has the raise back. */
  raisedFrom: number | null;
  /** Samples count from here (class start, or a later join)… */
  from: number | null;
  /** …up to here (class end, or leaving); null while open. */
  until: number | null;
}

interface SessionEntry {
  studioId: string;
  startedAt: number | null;
  endedAt: number | null;
  participants: Map<
    string,
    { deviceId: string | null; joinedAt: number; leftAt: number | null; assignment: Assignment }
  >;
}

const deviceKey = (studioId: string, deviceId: string) => `${studioId}\u0000${deviceId}`;

export class SessionDirectory {
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly byDevice = new Map<string, Set<Assignment>>();
  /** Stream sequence of the last event applied. */
  position = 0;

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
          ...(zoneRule !== undefined && { zoneRule }),
          restingHr,
          watch: watchMaxHr(maxHr),
          raisedFrom: null,
          from: null,
          until: null,
        };
        session.participants.set(participantId, {
          deviceId,
          joinedAt: event.occurredAt,
          leftAt: null,
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
        return;
      case 'session.ended':
        if (!session) return;
        session.endedAt = event.data.endedAt;
        this.refreshWindows(session);
        return;
      case 'session.max-hr-raised': {
        const participant = session?.participants.get(event.data.participantId);
        if (participant) this.raise(participant.assignment, event.data);
        return;
      }
    }
  }

  /**
   * Takes in a raised max HR, ours or another instance's (as read back from the
   * log): the assignment's max and zones move only up, and only from the max
   * the raise started from, so a raise read back after our own is no change.
   */
  raise(assignment: Assignment, raise: { previousMaxHr: number; maxHr: number; zoneThresholds: number[] }) {
    // Where this instance raised from the same max, the log's raise wins (it may be another's).
    const base =
      assignment.raisedFrom === raise.previousMaxHr
        ? { ...assignment, maxHr: raise.previousMaxHr }
        : assignment;
    const raised = applyMaxHrRaise(base, raise);
    if (raised === base) return;
    assignment.raisedFrom = null;
    assignment.maxHr = raised.maxHr;
    assignment.zoneThresholds = raised.zoneThresholds;
    if (assignment.watch.maxHr !== raised.maxHr) assignment.watch = watchMaxHr(raised.maxHr);
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
