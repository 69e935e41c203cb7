// What the timer says, as text: a pure function of a timer:state and the server's time.
import { stepAt } from '#domain';
import type { TimerState } from '#contracts';
import { clockText } from './format.js';

/** What the big number shows at `at`: remaining time of a segment with an end, elapsed time of the stopwatch. */
export function timerText(timer: TimerState, at: number): string {
  if (timer.status === 'idle') return timer.program ? clockText(firstStepMs(timer)) : '0:00';
  if (timer.status === 'finished') return '0:00';
  if (timer.remainingMs === null) {
    // The stopwatch counts up.
    const elapsed = timer.status === 'running' ? timer.elapsedMs + (at - timer.serverTime) : timer.elapsedMs;
    return clockText(elapsed, false);
  }
  if (timer.status === 'running' && timer.segmentEndsAt !== undefined)
    return clockText(timer.segmentEndsAt - at);
  return clockText(timer.remainingMs);
}

function firstStepMs(timer: TimerState): number {
  const first = timer.program ? stepAt(timer.program, 0) : null;
  return first && Number.isFinite(first.durationMs) ? first.durationMs : 0;
}

/** "Round 2/8", "Round 3" for unbounded rounds, or null outside the rounds. */
export function roundText(timer: TimerState): string | null {
  if (!timer.program || timer.round === 0 || timer.program.segments.length === 0) return null;
  return timer.program.rounds === 'unbounded'
    ? `Round ${timer.round}`
    : `Round ${timer.round}/${timer.program.rounds}`;
}

/** The next step's label and length, or null at the last one. */
export function nextText(timer: TimerState): string | null {
  if (!timer.program || timer.status === 'finished') return null;
  const next = stepAt(
    timer.program,
    timer.stepIndex === null ? 0 : timer.stepIndex + (timer.status === 'idle' ? 0 : 1),
  );
  if (!next) return null;
  return Number.isFinite(next.durationMs)
    ? `Next: ${next.label} ${clockText(next.durationMs)}`
    : `Next: ${next.label}`;
}

/** Past the next whole second of what the big number counts (the stopwatch's elapsed or the segment's remaining time). */
export function msToNextSecond(timer: TimerState, at: number): number {
  const counted =
    timer.remainingMs === null
      ? timer.elapsedMs + (at - timer.serverTime)
      : (timer.segmentEndsAt ?? at + timer.remainingMs) - at;
  const withinSecond = ((counted % 1000) + 1000) % 1000;
  // A few ms past the turn, so the text read then is the new one.
  const ms = timer.remainingMs === null ? 1000 - withinSecond : withinSecond;
  return ms + 5;
}
