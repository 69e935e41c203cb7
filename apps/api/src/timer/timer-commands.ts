// Runs a command against a class's timer: read the timer's events (its own
// aggregate, evt.session.<id>.timer) and the class's status, decide, append
// with the timer's version (optimistic concurrency), answer the new state.
// A timer command never conflicts with a roster change: they are two aggregates.
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import crypto from 'node:crypto';
import {
  eventSubjects,
  isSessionEvent,
  isTimerEvent,
  streams,
  type TimerEvent,
  type TimerState,
} from '#contracts';
import {
  decideTimer,
  evolveTimer,
  foldTimer,
  foldSession,
  timerStateOfClock,
  type SessionState,
  type TimerCommand,
  type TimerEventBody,
} from '#domain';
import { EventStore } from '#eventstore';
import { PreconditionFailedError } from '../http/errors.js';
import type { CommandContext } from '../sessions/session-commands.js';

const MAX_ATTEMPTS = 3;

export interface LoadedTimer {
  session: SessionState;
  events: TimerEvent[];
  version: number;
}

@Injectable()
export class TimerCommands {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async load(sessionId: string): Promise<LoadedTimer> {
    const [session, timer] = await Promise.all([
      this.store.readAggregate(streams.events.name, eventSubjects.session(sessionId)),
      this.store.readAggregate(streams.events.name, eventSubjects.timer(sessionId)),
    ]);
    return {
      session: foldSession(session.events.map((stored) => stored.event).filter(isSessionEvent)),
      events: timer.events.map((stored) => stored.event).filter(isTimerEvent),
      version: timer.version,
    };
  }

  /** The timer's state now; every event read counts, also one stamped a little ahead of this clock. */
  async state(sessionId: string, now = Date.now()): Promise<TimerState> {
    const { session, events, version } = await this.load(sessionId);
    if (session.status === 'initial') throw new NotFoundException('session not found');
    return timerStateOfClock(foldTimer(events), Math.max(now, lastAt(events)), { sessionId, version });
  }

  /** Appends the command's event; without If-Match, a concurrent timer command is retried on fresh state. */
  async execute(sessionId: string, command: TimerCommand, context: CommandContext): Promise<TimerState> {
    for (let attempt = 1; ; attempt++) {
      const { session, events, version } = await this.load(sessionId);
      if (context.ifMatch !== undefined && context.ifMatch !== version) {
        throw new PreconditionFailedError(`the timer is at version ${version}, not ${context.ifMatch}`);
      }
      if (session.status === 'initial') throw new NotFoundException('session not found');
      // Stamps never go back on one timer, whichever API instance's clock stamps them.
      const now = Math.max(Date.now(), lastAt(events));
      const clock = foldTimer(events);
      const decided = decideTimer(command, clock, { sessionId, now, sessionStatus: session.status });
      const result = await this.store.append(
        eventSubjects.timer(sessionId),
        decided.map((body) => envelope(body, now, context.correlationId)),
        { expected: version === 0 ? 'none' : version },
      );
      if (result.ok) {
        const after = decided.reduce(evolveTimer, clock);
        return timerStateOfClock(after, now, { sessionId, version: result.version });
      }
      if (context.ifMatch !== undefined || attempt >= MAX_ATTEMPTS) {
        throw new PreconditionFailedError('the timer changed while this command ran; read it again');
      }
    }
  }
}

const lastAt = (events: readonly TimerEventBody[]) => events.at(-1)?.data.at ?? 0;

function envelope(body: TimerEventBody, now: number, correlationId: string): TimerEvent {
  const meta = {
    id: crypto.randomUUID(),
    occurredAt: now,
    recordedAt: now,
    correlationId,
    causationId: null,
  };
  return { ...meta, ...body };
}
