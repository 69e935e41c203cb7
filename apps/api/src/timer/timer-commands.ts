// Runs a command against a class's timer: read the class's status, then
// handleCommand on the timer's own aggregate (evt.session.<id>.timer) with the
// timer's decider for that class, and answer the new state. A timer command
// never conflicts with a roster change: they are two aggregates.
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  eventSubjects,
  isSessionEvent,
  isTimerEvent,
  streams,
  type TimerEvent,
  type TimerState,
} from '#contracts';
import {
  foldTimer,
  foldSession,
  timerDecider,
  timerStateOfClock,
  type SessionState,
  type TimerCommand,
  type TimerEventBody,
} from '#domain';
import { EventStore, handleCommand } from '#eventstore';
import { preconditionFailed, type CommandContext } from '../sessions/session-commands.js';

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
      this.session(sessionId),
      this.store.readAggregate(streams.events.name, eventSubjects.timer(sessionId)),
    ]);
    return {
      session,
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
    const session = await this.session(sessionId);
    const decider = timerDecider(sessionId, session.status);
    const handled = await handleCommand(this.store, eventSubjects.timer(sessionId), decider, command, {
      ...context,
      accepts: isTimerEvent,
      maxAttempts: MAX_ATTEMPTS,
      refuse: () => {
        if (session.status === 'initial') throw new NotFoundException('session not found');
      },
    });
    if (!handled.ok) throw preconditionFailed(handled, 'timer');
    // At the new event's stamp: the state the command made.
    const { clock, lastAt: stamp } = handled.state;
    return timerStateOfClock(clock, stamp, { sessionId, version: handled.version });
  }

  private async session(sessionId: string): Promise<SessionState> {
    const { events } = await this.store.readAggregate(streams.events.name, eventSubjects.session(sessionId));
    return foldSession(events.map((stored) => stored.event).filter(isSessionEvent));
  }
}

const lastAt = (events: readonly TimerEventBody[]) => events.at(-1)?.data.at ?? 0;
