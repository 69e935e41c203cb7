// Which class participant wears a device, and when: a view of the classes
// OpenClasses holds, derived from each class's state (the domain's one fold)
// whenever it comes in or changes. It keeps no reducer of its own.
import type { ClassChange, HeldClass, OpenClassesListener } from '#eventstore';
import { participantWindow, type KnownSession } from '#domain';
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

/** A class that has started, and when it ended (null while live). */
export interface StartedClass {
  sessionId: string;
  endedAt: number | null;
}

export type ClassStatusListener = (sessionId: string, change: 'started' | 'ended') => void;

interface ClassView {
  state: KnownSession;
  /** EVENTS sequence of the class's last event read. */
  version: number;
  /** The device keys its assignments are indexed under. */
  devices: Set<string>;
}

const deviceKey = (studioId: string, deviceId: string) => `${studioId}\u0000${deviceId}`;

export class SessionDirectory implements OpenClassesListener {
  private readonly classes = new Map<string, ClassView>();
  /** Device key → class → the assignments of that strap in the class (handed on, a strap has several). */
  private readonly byDevice = new Map<string, Map<string, Assignment[]>>();
  private readonly statusListeners: ClassStatusListener[] = [];

  loaded(sessionId: string, { state, version }: HeldClass): void {
    this.derive(sessionId, state, version);
  }

  applied({ sessionId, state, previous, seq }: ClassChange): void {
    this.derive(sessionId, state, seq);
    if (previous.status !== state.status && (state.status === 'live' || state.status === 'ended'))
      this.tell(sessionId, state.status === 'live' ? 'started' : 'ended');
  }

  forgotten(sessionId: string): void {
    this.drop(sessionId);
    this.classes.delete(sessionId);
  }

  /** Told of each class that starts or ends from now on (the max-HR watcher follows live classes). */
  onClassStatus(listener: ClassStatusListener): void {
    this.statusListeners.push(listener);
  }

  /** Classes held (live, or ended and not let go yet) that have started. */
  startedClasses(): StartedClass[] {
    const started: StartedClass[] = [];
    for (const [sessionId, { state }] of this.classes) {
      if (state.status !== 'scheduled')
        started.push({ sessionId, endedAt: state.status === 'ended' ? state.endedAt : null });
    }
    return started;
  }

  /** How many classes ingest holds now. */
  get size(): number {
    return this.classes.size;
  }

  /** EVENTS sequence of the class's last event read, 0 when the class is not held. */
  versionOf(sessionId: string): number {
    return this.classes.get(sessionId)?.version ?? 0;
  }

  /** Max HR and zones of a participant as copied at join, or null when not (yet) read. */
  joinedMaxHr(sessionId: string, participantId: string): JoinedMaxHr | null {
    return this.classes.get(sessionId)?.state.participants.get(participantId)?.joined ?? null;
  }

  /** Whether the log read so far holds a raise of this participant from `previousMaxHr`. */
  hasRaise(sessionId: string, participantId: string, previousMaxHr: number): boolean {
    const participant = this.classes.get(sessionId)?.state.participants.get(participantId);
    return participant?.raisedFrom.includes(previousMaxHr) ?? false;
  }

  /** The participant wearing `deviceId` at `ts` in a class of this studio, if any; the latest window start wins. */
  assignmentFor(studioId: string, deviceId: string, ts: number): Assignment | null {
    let found: Assignment | null = null;
    for (const assignments of this.byDevice.get(deviceKey(studioId, deviceId))?.values() ?? []) {
      for (const assignment of assignments) {
        if (assignment.from === null || ts < assignment.from) continue;
        if (assignment.until !== null && ts > assignment.until) continue;
        if (found === null || assignment.from > (found.from ?? 0)) found = assignment;
      }
    }
    return found;
  }

  /** Rebuilds the class's assignments from its state: windows, and max and zones as raised so far. */
  private derive(sessionId: string, state: KnownSession, version: number): void {
    this.drop(sessionId);
    const view: ClassView = { state, version, devices: new Set() };
    this.classes.set(sessionId, view);
    // Before the start no sample counts: a scheduled class maps no device.
    if (state.status === 'scheduled') return;
    for (const participant of state.participants.values()) {
      if (participant.deviceId === null) continue;
      const { participantId, maxHr, zoneThresholds } = participant;
      const assignment: Assignment = {
        sessionId,
        studioId: state.studioId,
        participantId,
        maxHr,
        zoneThresholds,
        ...participantWindow(state, participant),
      };
      const key = deviceKey(state.studioId, participant.deviceId);
      let ofDevice = this.byDevice.get(key);
      if (ofDevice === undefined) this.byDevice.set(key, (ofDevice = new Map()));
      const assignments = ofDevice.get(sessionId);
      if (assignments === undefined) ofDevice.set(sessionId, [assignment]);
      else assignments.push(assignment);
      view.devices.add(key);
    }
  }

  /** Removes the class's assignments from the device index. */
  private drop(sessionId: string): void {
    for (const key of this.classes.get(sessionId)?.devices ?? []) {
      const ofDevice = this.byDevice.get(key);
      ofDevice?.delete(sessionId);
      if (ofDevice?.size === 0) this.byDevice.delete(key);
    }
  }

  private tell(sessionId: string, change: 'started' | 'ended'): void {
    for (const listener of this.statusListeners) listener(sessionId, change);
  }
}
