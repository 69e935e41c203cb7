// The class's interval timer: phase, a big remaining time counted down on the
// server's clock (only the text changes, at each second's turn), the round, and
// what comes next.
import { useEffect, useRef } from 'preact/hooks';
import type { TimerState } from '#contracts';
import { msToNextSecond, nextText, roundText, timerText } from './timer-text.js';

interface TimerProps {
  timer: TimerState | null;
  /** The server's time, estimated (ServerClock). */
  clock: { now(): number };
}

const statusLabel: Record<TimerState['status'], string> = {
  idle: 'Ready',
  running: '',
  paused: 'Paused',
  finished: 'Done',
};

export function Timer({ timer, clock }: TimerProps) {
  const remaining = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!timer || timer.status !== 'running') return;
    let wake: ReturnType<typeof setTimeout> | undefined;
    let shown = '';
    // Woken at each second's turn rather than every animation frame: a TV
    // draws nothing for the timer between two changes of its text.
    const draw = () => {
      const at = clock.now();
      const text = timerText(timer, at);
      if (text !== shown && remaining.current) remaining.current.textContent = shown = text;
      wake = setTimeout(draw, msToNextSecond(timer, at));
    };
    draw();
    return () => clearTimeout(wake);
  }, [timer, clock]);

  if (!timer) {
    return (
      <section class="timer" data-timer-status="none" aria-label="timer">
        <span class="timer-phase">No timer</span>
      </section>
    );
  }
  const round = roundText(timer);
  const next = nextText(timer);
  return (
    <section
      class={`timer phase-${timer.phase ?? 'none'}`}
      data-timer-status={timer.status}
      aria-label="timer"
    >
      <span class="timer-phase" data-timer-phase={timer.phase ?? ''}>
        {timer.status === 'running' ? (timer.label ?? '') : statusLabel[timer.status] || timer.label}
      </span>
      <span class="timer-remaining" ref={remaining} data-timer-remaining>
        {timerText(timer, clock.now())}
      </span>
      <span class="timer-round">{round ?? ''}</span>
      <span class="timer-next">{next ?? ''}</span>
    </section>
  );
}
