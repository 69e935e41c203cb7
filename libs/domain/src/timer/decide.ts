// The timer's rules: each command, given the clock and the instant, yields the
// event to append or a RuleError. Pure: the caller loads and appends.
import type { TimerProgram } from '#contracts';
import type { TimerClock } from './clock.js';
import type { TimerEventBody } from './events.js';
import { stepCount } from './program.js';
import { RuleError } from '../decider/rule-error.js';
import type { SessionState } from '../session/state.js';
import { timerStateOfClock } from './state.js';

export type TimerCommand =
  | { type: 'setProgram'; program: TimerProgram }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset' }
  | { type: 'skip' };

export interface TimerContext {
  sessionId: string;
  /** Server time: the stamp `at` of the event. */
  now: number;
  /** The class's status: a class never scheduled has no timer, an ended class's timer takes no more commands. */
  sessionStatus: SessionState['status'];
}

export function decideTimer(
  command: TimerCommand,
  clock: TimerClock,
  context: TimerContext,
): TimerEventBody[] {
  const { sessionId, now: at } = context;
  if (context.sessionStatus === 'initial')
    throw new RuleError('not-scheduled', 'no such session is scheduled');
  if (context.sessionStatus === 'ended') {
    throw new RuleError('ended', `session ${sessionId} has ended: its timer is final`);
  }
  const state = timerStateOfClock(clock, at, { sessionId, version: 0 });
  const data = { sessionId, at };
  const refuseFinished = () => {
    if (state.status === 'finished') throw new RuleError('finished', 'the program is over: reset it first');
  };
  switch (command.type) {
    case 'setProgram':
      if (state.status === 'running' || state.status === 'paused') {
        throw new RuleError(
          'timer-running',
          `the timer is ${state.status}: reset it before changing its program`,
        );
      }
      return [{ type: 'timer.program-set', data: { ...data, program: command.program } }];
    case 'start':
      if (clock.program === null) throw new RuleError('no-program', 'the class has no timer program');
      refuseFinished();
      if (state.status !== 'idle') throw new RuleError('already-started', `the timer is ${state.status}`);
      return [{ type: 'timer.started', data }];
    case 'pause':
      refuseFinished();
      if (state.status !== 'running')
        throw new RuleError('not-running', `the timer is ${state.status}, not running`);
      return [{ type: 'timer.paused', data }];
    case 'resume':
      refuseFinished();
      if (state.status !== 'paused')
        throw new RuleError('not-paused', `the timer is ${state.status}, not paused`);
      return [{ type: 'timer.resumed', data }];
    case 'reset':
      if (clock.program === null) throw new RuleError('no-program', 'the class has no timer program');
      if (state.status === 'idle') throw new RuleError('not-started', 'the timer has not started');
      return [{ type: 'timer.reset', data }];
    case 'skip': {
      refuseFinished();
      if (state.status === 'idle' || state.stepIndex === null || clock.program === null) {
        throw new RuleError('not-started', 'the timer has not started');
      }
      const toStep = Math.min(state.stepIndex + 1, stepCount(clock.program));
      return [{ type: 'timer.skipped', data: { ...data, toStep } }];
    }
  }
}
