// A class appended to the log the way the API appends it (ClassIndex.append:
// the index of open classes in the same step), or, without an index, as a log
// written before the index existed; for specs that need classes in the log.
import crypto from 'node:crypto';
import { eventSubjects, type SessionEvent } from '#contracts';
import { evolve, initialSessionState, type SessionEventBody, type SessionState } from '#domain';
import type { ClassIndex, EventStore } from '#eventstore';

export const newSessionId = () => `cls_${crypto.randomBytes(6).toString('hex')}`;

export const profile = (participantId: string, deviceId: string) => ({
  participantId,
  memberId: `m_${participantId}`,
  displayName: `Athlete ${participantId}`,
  deviceId,
  maxHr: 180,
  maxHrAssumed: false,
  restingHr: 60,
  zoneThresholds: [90, 108, 126, 144, 162],
  sex: 'female' as const,
  weightKg: 62,
  age: 40,
});

/** A class in the log and (unless `index` is null) in the index, as the API writes both. */
export class ClassWriter {
  state: SessionState = initialSessionState;
  version = 0;

  constructor(
    private readonly store: EventStore,
    private readonly index: ClassIndex | null,
    readonly sessionId = newSessionId(),
  ) {}

  async write(body: SessionEventBody, occurredAt = Date.now()): Promise<void> {
    const event: SessionEvent = {
      id: crypto.randomUUID(),
      occurredAt,
      recordedAt: occurredAt,
      correlationId: 'spec',
      causationId: null,
      ...body,
    };
    const expected = this.version === 0 ? 'none' : this.version;
    const appended =
      this.index === null
        ? {
            result: await this.store.append(eventSubjects.session(this.sessionId), [event], { expected }),
            state: evolve(this.state, event),
          }
        : await this.index.append(this.state, [event], expected);
    if (!appended.result.ok) throw new Error(`append refused: ${JSON.stringify(appended.result.error)}`);
    this.version = appended.result.version;
    this.state = appended.state;
  }

  schedule(studioId: string): Promise<void> {
    const { sessionId } = this;
    return this.write({
      type: 'session.scheduled',
      data: { sessionId, studioId, title: 'Spec class', startsAt: null },
    });
  }

  join(participantId: string, deviceId: string, at?: number): Promise<void> {
    const data = { ...profile(participantId, deviceId), sessionId: this.sessionId };
    return this.write({ type: 'session.participant-joined', data }, at);
  }

  start(startedAt = Date.now()): Promise<void> {
    return this.write({ type: 'session.started', data: { sessionId: this.sessionId, startedAt } }, startedAt);
  }

  end(endedAt = Date.now()): Promise<void> {
    return this.write({ type: 'session.ended', data: { sessionId: this.sessionId, endedAt } }, endedAt);
  }
}
