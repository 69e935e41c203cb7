// Test fixture: appends a class's lifecycle to the log the way the API does,
// index included, for the specs of the class index and of OpenClasses.
import crypto from 'node:crypto';
import { eventSubjects, type SessionEvent } from '#contracts';
import { evolve, initialSessionState, type SessionEventBody, type SessionState } from '#domain';
import type { ClassIndex } from '../class-index.js';
import type { EventStore } from '../event-store.js';

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
    const next = evolve(this.state, event);
    if (this.state.status === 'initial' && next.status !== 'initial') await this.index?.record(next);
    const result = await this.store.append(eventSubjects.session(this.sessionId), [event], {
      expected: this.version === 0 ? 'none' : this.version,
    });
    if (!result.ok) throw new Error(`append refused: ${JSON.stringify(result.error)}`);
    this.version = result.version;
    const moved = this.state.status !== 'initial' && next.status !== this.state.status;
    this.state = next;
    if (moved && next.status !== 'initial') await this.index?.record(next);
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
