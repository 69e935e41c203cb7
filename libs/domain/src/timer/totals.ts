// Work and rest time of a class's timer, for the summary: the program's
// timeline actually run (pauses excluded, skipped parts not run), split by
// the kind of segment it was in.
import type { TimerTotals } from '#contracts';
import { evolveTimer, initialTimerClock, runSince, type TimerClock } from './clock.js';
import type { TimerEventBody } from './events.js';
import { stepAtPosition } from './program.js';

/** Totals up to `until` (the class's end, or now); null when the timer never started. */
export function timerTotalsUntil(events: readonly TimerEventBody[], until: number): TimerTotals | null {
  const totals = { workMs: 0, restMs: 0 };
  let clock = initialTimerClock;
  let started = false;
  for (const event of events) {
    if (event.data.at > until) break;
    addRun(totals, clock, event.data.at);
    clock = evolveTimer(clock, event);
    started ||= event.type === 'timer.started';
  }
  addRun(totals, clock, until);
  return started ? totals : null;
}

/** Adds what the clock ran from its anchor to `at` to work or rest, step by step. */
function addRun(totals: TimerTotals, clock: TimerClock, at: number): void {
  if (clock.program === null) return;
  const to = clock.positionMs + runSince(clock, at);
  let position = clock.positionMs;
  while (position < to) {
    const step = stepAtPosition(clock.program, position);
    if (step === null) return;
    const end = Math.min(to, step.startMs + step.durationMs);
    if (step.phase === 'work') totals.workMs += end - position;
    if (step.phase === 'rest') totals.restMs += end - position;
    position = end;
  }
}
