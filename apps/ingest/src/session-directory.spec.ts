import { describe, expect, it } from '@jest/globals';
import { sessionEvent, type SessionEvent } from '#contracts';
import { evolve, foldSession, initialSessionState, type KnownSession, type SessionState } from '#domain';
import { SessionDirectory } from './session-directory.js';

const T0 = Date.UTC(2026, 10, 26, 10, 0);
const MINUTE = 60_000;
const STRAP = 'ant:120:54321';
const THRESHOLDS = [90, 108, 126, 144, 162];

let eventCount = 0;

/** A session event in its envelope, parsed like every event read from the log. */
function logged(occurredAt: number, body: Pick<SessionEvent, 'type' | 'data'>): SessionEvent {
  eventCount++;
  return sessionEvent.parse({
    id: `evt-${eventCount}`,
    occurredAt,
    recordedAt: occurredAt,
    correlationId: `corr-${eventCount}`,
    causationId: null,
    ...body,
  });
}

const scheduled = (sessionId: string, studioId = 'downtown', at = T0 - 60 * MINUTE) =>
  logged(at, { type: 'session.scheduled', data: { sessionId, studioId, title: 'Spin', startsAt: T0 } });

const joined = (sessionId: string, participantId: string, deviceId: string | null, at = T0 - 10 * MINUTE) =>
  logged(at, {
    type: 'session.participant-joined',
    data: {
      sessionId,
      participantId,
      memberId: `m-${participantId}`,
      displayName: `Athlete ${participantId}`,
      deviceId,
      maxHr: 180,
      maxHrAssumed: false,
      restingHr: 60,
      zoneThresholds: THRESHOLDS,
      sex: 'female',
      weightKg: 62,
      age: 40,
    },
  });

const left = (sessionId: string, participantId: string, at: number) =>
  logged(at, { type: 'session.participant-left', data: { sessionId, participantId } });

const started = (sessionId: string, at = T0) =>
  logged(at, { type: 'session.started', data: { sessionId, startedAt: at } });

const ended = (sessionId: string, at: number) =>
  logged(at, { type: 'session.ended', data: { sessionId, endedAt: at } });

/** The classes as OpenClasses holds them, told to a directory the way OpenClasses tells it. */
class Classes {
  readonly directory = new SessionDirectory();
  private readonly states = new Map<string, KnownSession>();
  private seq = 0;

  /** The tail reads an event (seq 1, 2, …): the class it changes is evolved and the change told. */
  read(event: SessionEvent): this {
    const seq = ++this.seq;
    const { sessionId } = event.data;
    const previous: SessionState = this.states.get(sessionId) ?? initialSessionState;
    // A class not held is only brought in by its scheduling, as in OpenClasses.
    if (previous.status === 'initial' && event.type !== 'session.scheduled') return this;
    const state = evolve(previous, event);
    if (state.status === 'initial') return this;
    this.states.set(sessionId, state);
    this.directory.applied({ sessionId, state, previous, event, seq });
    return this;
  }

  /** A class read at once from its own subject (at start, or on demand). */
  load(sessionId: string, events: SessionEvent[]): this {
    const state = foldSession(events);
    if (state.status === 'initial') return this;
    this.seq += events.length;
    this.states.set(sessionId, state);
    this.directory.loaded(sessionId, { state, version: this.seq });
    return this;
  }
}

const WAYS = {
  'read event by event': (events: SessionEvent[]) => {
    const classes = new Classes();
    for (const event of events) classes.read(event);
    return classes.directory;
  },
  'loaded from its subject': (events: SessionEvent[]) => {
    const classes = new Classes();
    for (const sessionId of new Set(events.map((event) => event.data.sessionId)))
      classes.load(
        sessionId,
        events.filter((event) => event.data.sessionId === sessionId),
      );
    return classes.directory;
  },
};

/** Who wears the strap at `ts` in the studio, or null. */
const wearer = (directory: SessionDirectory, ts: number, deviceId = STRAP, studioId = 'downtown') =>
  directory.assignmentFor(studioId, deviceId, ts)?.participantId ?? null;

describe.each(Object.keys(WAYS) as Array<keyof typeof WAYS>)('SessionDirectory, classes %s', (way) => {
  /** A directory that holds the classes of these events, in log order. */
  const given = (...events: SessionEvent[]) => WAYS[way](events);

  it('assigns no one before the class starts, even to an athlete already on the roster', () => {
    const directory = given(scheduled('s-1'), joined('s-1', 'p-ana', STRAP));

    expect(directory.assignmentFor('downtown', STRAP, T0)).toBeNull();
    expect(directory.assignmentFor('downtown', STRAP, T0 + 5 * MINUTE)).toBeNull();
  });

  it('maps samples of the live window to the participant, with the zones copied at join', () => {
    const directory = given(scheduled('s-1'), joined('s-1', 'p-ana', STRAP), started('s-1'));

    expect(directory.assignmentFor('downtown', STRAP, T0 + 5 * MINUTE)).toMatchObject({
      sessionId: 's-1',
      studioId: 'downtown',
      participantId: 'p-ana',
      maxHr: 180,
      zoneThresholds: THRESHOLDS,
      from: T0,
      until: null,
    });
    expect(wearer(directory, T0)).toBe('p-ana');
  });

  it('does not count samples taken before the class started, once it has', () => {
    const directory = given(scheduled('s-1'), joined('s-1', 'p-ana', STRAP), started('s-1'));

    expect(wearer(directory, T0 - 1)).toBeNull();
  });

  it('does not give a late joiner the samples from before their join', () => {
    const joinedAt = T0 + 10 * MINUTE;
    const directory = given(scheduled('s-1'), started('s-1'), joined('s-1', 'p-ana', STRAP, joinedAt));

    expect(wearer(directory, T0 + 5 * MINUTE)).toBeNull();
    expect(wearer(directory, joinedAt - 1)).toBeNull();
    expect(wearer(directory, joinedAt)).toBe('p-ana');
    expect(wearer(directory, joinedAt + MINUTE)).toBe('p-ana');
  });

  it('assigns no one after the participant left', () => {
    const leftAt = T0 + 20 * MINUTE;
    const directory = given(
      scheduled('s-1'),
      joined('s-1', 'p-ana', STRAP),
      started('s-1'),
      left('s-1', 'p-ana', leftAt),
    );

    expect(wearer(directory, leftAt - MINUTE)).toBe('p-ana');
    expect(wearer(directory, leftAt)).toBe('p-ana');
    expect(wearer(directory, leftAt + 1)).toBeNull();
  });

  it('assigns no one between an early leave and the end of the class', () => {
    const leftAt = T0 + 20 * MINUTE;
    const endedAt = T0 + 45 * MINUTE;
    const directory = given(
      scheduled('s-1'),
      joined('s-1', 'p-ana', STRAP),
      started('s-1'),
      left('s-1', 'p-ana', leftAt),
      ended('s-1', endedAt),
    );

    expect(wearer(directory, leftAt - MINUTE)).toBe('p-ana');
    expect(wearer(directory, leftAt + MINUTE)).toBeNull();
    expect(wearer(directory, endedAt - MINUTE)).toBeNull();
  });

  it('assigns no one after the class ended', () => {
    const endedAt = T0 + 45 * MINUTE;
    const directory = given(
      scheduled('s-1'),
      joined('s-1', 'p-ana', STRAP),
      started('s-1'),
      ended('s-1', endedAt),
    );

    expect(wearer(directory, endedAt + 1)).toBeNull();
    expect(wearer(directory, endedAt + 10 * MINUTE)).toBeNull();
  });

  it('still maps a buffered sample that arrives after the class ended, by its own timestamp', () => {
    const endedAt = T0 + 45 * MINUTE;
    const directory = given(
      scheduled('s-1'),
      joined('s-1', 'p-ana', STRAP),
      started('s-1'),
      ended('s-1', endedAt),
    );

    expect(wearer(directory, endedAt - 30_000)).toBe('p-ana');
    expect(wearer(directory, endedAt)).toBe('p-ana');
  });

  it('hands a strap from an athlete who left to the next one, with a gap that belongs to no one', () => {
    const leftAt = T0 + 10 * MINUTE;
    const boJoinedAt = T0 + 12 * MINUTE;
    const directory = given(
      scheduled('s-1'),
      joined('s-1', 'p-ana', STRAP),
      started('s-1'),
      left('s-1', 'p-ana', leftAt),
      joined('s-1', 'p-bo', STRAP, boJoinedAt),
    );

    expect(wearer(directory, leftAt - 1)).toBe('p-ana');
    expect(wearer(directory, leftAt + MINUTE)).toBeNull();
    expect(wearer(directory, boJoinedAt + MINUTE)).toBe('p-bo');
  });

  it("keeps a finished class's late samples apart from the next class on the same strap", () => {
    const firstEnded = T0 + 45 * MINUTE;
    const secondStarted = T0 + 60 * MINUTE;
    const directory = given(
      scheduled('s-1'),
      joined('s-1', 'p-ana', STRAP),
      started('s-1'),
      ended('s-1', firstEnded),
      scheduled('s-2', 'downtown', firstEnded),
      joined('s-2', 'p-bo', STRAP, firstEnded + MINUTE),
      started('s-2', secondStarted),
    );

    expect(directory.assignmentFor('downtown', STRAP, firstEnded - 1000)).toMatchObject({
      sessionId: 's-1',
      participantId: 'p-ana',
    });
    expect(wearer(directory, firstEnded + 5 * MINUTE)).toBeNull();
    expect(directory.assignmentFor('downtown', STRAP, secondStarted + MINUTE)).toMatchObject({
      sessionId: 's-2',
      participantId: 'p-bo',
    });
  });

  it('gives the strap to the newer class when an older one in the studio was never ended', () => {
    const secondStarted = T0 + 60 * MINUTE;
    const directory = given(
      scheduled('s-1'),
      joined('s-1', 'p-ana', STRAP),
      started('s-1'),
      scheduled('s-2', 'downtown', T0 + 50 * MINUTE),
      joined('s-2', 'p-bo', STRAP, T0 + 55 * MINUTE),
      started('s-2', secondStarted),
    );

    expect(wearer(directory, secondStarted - MINUTE)).toBe('p-ana');
    expect(directory.assignmentFor('downtown', STRAP, secondStarted + MINUTE)).toMatchObject({
      sessionId: 's-2',
      participantId: 'p-bo',
    });
  });

  it('does not mix the same device id in two studios', () => {
    const directory = given(
      scheduled('s-down', 'downtown'),
      scheduled('s-up', 'uptown'),
      joined('s-down', 'p-ana', STRAP),
      joined('s-up', 'p-bo', STRAP),
      started('s-down'),
      started('s-up'),
    );
    const during = T0 + 5 * MINUTE;

    expect(wearer(directory, during, STRAP, 'downtown')).toBe('p-ana');
    expect(wearer(directory, during, STRAP, 'uptown')).toBe('p-bo');
    expect(wearer(directory, during, STRAP, 'elsewhere')).toBeNull();
  });

  it('assigns no one to a device nobody in the class wears', () => {
    const directory = given(
      scheduled('s-1'),
      joined('s-1', 'p-ana', STRAP),
      joined('s-1', 'p-bo', null),
      started('s-1'),
    );

    expect(wearer(directory, T0 + MINUTE, 'ant:120:99999')).toBeNull();
  });

  it('ignores events of a class it never saw scheduled', () => {
    const directory = given(
      joined('s-unknown', 'p-ana', STRAP),
      started('s-unknown'),
      left('s-unknown', 'p-ana', T0 + MINUTE),
      ended('s-unknown', T0 + 2 * MINUTE),
    );

    expect(wearer(directory, T0 + 30_000)).toBeNull();
  });

  it('ignores a leave of someone not on the roster', () => {
    const directory = given(
      scheduled('s-1'),
      joined('s-1', 'p-ana', STRAP),
      started('s-1'),
      left('s-1', 'p-nobody', T0 + MINUTE),
    );

    expect(wearer(directory, T0 + 5 * MINUTE)).toBe('p-ana');
  });

  describe('adaptive max HR read back from the log', () => {
    const raised = (previousMaxHr: number, maxHr: number, zoneThresholds: number[]) =>
      logged(T0 + 2 * MINUTE, {
        type: 'session.max-hr-raised',
        data: {
          sessionId: 's-1',
          participantId: 'p-ana',
          previousMaxHr,
          maxHr,
          zoneThresholds,
          at: T0 + MINUTE,
        },
      });
    const RAISED = [93, 112, 130, 149, 167];
    const assignment = (directory: SessionDirectory) =>
      directory.assignmentFor('downtown', STRAP, T0 + 5 * MINUTE);

    it('takes in a raise from the log: samples from then on are stamped under it, and it counts as logged', () => {
      const directory = given(
        scheduled('s-1'),
        joined('s-1', 'p-ana', STRAP),
        started('s-1'),
        raised(180, 186, RAISED),
      );
      expect(assignment(directory)).toMatchObject({ maxHr: 186, zoneThresholds: RAISED });
      expect(directory.hasRaise('s-1', 'p-ana', 180)).toBe(true);
      expect(directory.hasRaise('s-1', 'p-ana', 186)).toBe(false);
      // The adaptive-max fold starts from the join's max, whatever was raised since.
      expect(directory.joinedMaxHr('s-1', 'p-ana')).toEqual({
        maxHr: 180,
        zoneThresholds: THRESHOLDS,
        restingHr: 60,
      });
    });

    it('ignores a raise from a max the participant no longer has (the same run raised twice)', () => {
      const directory = given(
        scheduled('s-1'),
        joined('s-1', 'p-ana', STRAP),
        started('s-1'),
        raised(180, 186, RAISED),
        raised(180, 188, [94, 113, 132, 150, 169]),
      );
      expect(assignment(directory)).toMatchObject({ maxHr: 186, zoneThresholds: RAISED });
    });
  });
});

describe('SessionDirectory, as OpenClasses keeps it', () => {
  it('tells of each start and end read, and names the started classes it holds', () => {
    const classes = new Classes().read(scheduled('s-1')).read(started('s-1')).read(scheduled('s-2'));
    const { directory } = classes;
    expect(directory.startedClasses()).toEqual([{ sessionId: 's-1', endedAt: null }]);
    const changes: string[] = [];
    directory.onClassStatus((sessionId, change) => changes.push(`${sessionId} ${change}`));

    classes
      .read(started('s-2'))
      .read(joined('s-2', 'p-ana', STRAP))
      .read(ended('s-1', T0 + 45 * MINUTE));

    expect(changes).toEqual(['s-2 started', 's-1 ended']);
    expect(directory.startedClasses()).toEqual([
      { sessionId: 's-1', endedAt: T0 + 45 * MINUTE },
      { sessionId: 's-2', endedAt: null },
    ]);
  });

  it('tells of no start or end for a class loaded from its subject', () => {
    const classes = new Classes();
    const changes: string[] = [];
    classes.directory.onClassStatus((sessionId, change) => changes.push(`${sessionId} ${change}`));

    classes.load('s-1', [scheduled('s-1'), started('s-1'), ended('s-1', T0 + 45 * MINUTE)]);

    expect(changes).toEqual([]);
    expect(classes.directory.startedClasses()).toEqual([{ sessionId: 's-1', endedAt: T0 + 45 * MINUTE }]);
  });

  it('maps nothing of a class once it is let go, and maps it again when loaded again', () => {
    const events = [
      scheduled('s-1'),
      joined('s-1', 'p-ana', STRAP),
      started('s-1'),
      ended('s-1', T0 + 45 * MINUTE),
    ];
    const classes = new Classes();
    for (const event of events) classes.read(event);
    const { directory } = classes;
    expect(wearer(directory, T0 + MINUTE)).toBe('p-ana');

    directory.forgotten('s-1');

    expect(wearer(directory, T0 + MINUTE)).toBeNull();
    expect(directory.startedClasses()).toEqual([]);
    expect(directory.size).toBe(0);
    expect(directory.joinedMaxHr('s-1', 'p-ana')).toBeNull();

    classes.load('s-1', events);
    expect(wearer(directory, T0 + MINUTE)).toBe('p-ana');
    expect(directory.size).toBe(1);
  });

  it('knows up to which log sequence it has read each class it holds', () => {
    const classes = new Classes().read(scheduled('s-1')).read(scheduled('s-2')).read(started('s-1'));

    expect(classes.directory.versionOf('s-1')).toBe(3);
    expect(classes.directory.versionOf('s-2')).toBe(2);
    expect(classes.directory.versionOf('s-unknown')).toBe(0);
  });
});
