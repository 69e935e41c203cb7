import { describe, expect, it } from '@jest/globals';
import { timerEvent, type TimerEvent, type TimerProgram, type TimerState } from '#contracts';
import { normalizeTimerProgram } from '#domain';
import { TimerBoard } from './timer-board.js';

const SESSION = 's-hiit';
const T0 = Date.UTC(2026, 10, 28, 18, 0);
const s = (seconds: number) => T0 + seconds * 1000;

function tabata(): TimerProgram {
  const result = normalizeTimerProgram({ preset: 'tabata' });
  if (!result.ok) throw new Error('bad program');
  return result.program;
}

let count = 0;
function logged(type: TimerEvent['type'], seconds: number, extra: Record<string, unknown> = {}): TimerEvent {
  count++;
  return timerEvent.parse({
    id: `t-${count}`,
    type,
    occurredAt: s(seconds),
    recordedAt: s(seconds),
    correlationId: 'c',
    causationId: null,
    data: { sessionId: SESSION, at: s(seconds), ...extra },
  });
}

/** A board on a fake clock and scheduler; `runUntil` fires what falls due, in time order. */
function fakeBoard(start = s(-60)) {
  let now = start;
  let handles = 0;
  const pending = new Map<number, { at: number; run: () => void }>();
  const sent: Array<{ at: number; state: TimerState }> = [];
  const board = new TimerBoard({
    send: (state) => sent.push({ at: now, state }),
    now: () => now,
    schedule: (run, ms) => {
      const handle = ++handles;
      pending.set(handle, { at: now + ms, run });
      return () => pending.delete(handle);
    },
  });
  const runUntil = (until: number) => {
    for (;;) {
      const due = [...pending.entries()]
        .filter(([, job]) => job.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].run();
    }
    now = until;
  };
  return { board, sent, pending, runUntil, setNow: (at: number) => (now = at) };
}

const program = tabata();

describe('TimerBoard', () => {
  it('sends a frame on each command and at every boundary of a tabata, on the millisecond', () => {
    const { board, sent, runUntil, setNow } = fakeBoard();
    board.goLive();
    board.apply(logged('timer.program-set', -60, { program }), 1);
    setNow(s(0));
    board.apply(logged('timer.started', 0), 2);
    runUntil(s(40));
    // Prepare 10 s, then work 20 s, rest 10 s: boundaries at 10 s and 30 s (and 40 s).
    expect(
      sent.map(({ at, state }) => [
        at - T0,
        state.phase,
        state.segmentEndsAt === undefined ? null : state.segmentEndsAt - T0,
      ]),
    ).toEqual([
      [-60_000, null, null],
      [0, 'prepare', 10_000],
      [10_000, 'work', 30_000],
      [30_000, 'rest', 40_000],
      [40_000, 'work', 60_000],
    ]);
    expect(sent.at(-1)?.state).toMatchObject({ round: 2, version: 2, cue: false, serverTime: s(40) });
  });

  it('stops scheduling while paused and shifts every boundary by the time paused', () => {
    const { board, sent, pending, runUntil, setNow } = fakeBoard();
    board.goLive();
    board.apply(logged('timer.program-set', -60, { program }), 1);
    setNow(s(0));
    board.apply(logged('timer.started', 0), 2);
    runUntil(s(5));
    board.apply(logged('timer.paused', 5), 3);
    expect(pending.size).toBe(0);
    runUntil(s(65));
    board.apply(logged('timer.resumed', 65), 4);
    runUntil(s(71));
    // 5 s of prepare left at the pause: the work segment starts at 70 s instead of 10 s.
    const boundaries = sent.filter(({ state }) => state.phase === 'work').map(({ at }) => at - T0);
    expect(boundaries).toEqual([70_000]);
  });

  it('gives two instances fed the same log the same boundaries, and a late one catches up at once', () => {
    const first = fakeBoard();
    const second = fakeBoard();
    const log = [logged('timer.program-set', -60, { program }), logged('timer.started', 0)];
    first.board.goLive();
    log.forEach((event, index) => first.board.apply(event, index + 1));
    // The second instance starts at 12 s, replays the log, then goes live.
    second.setNow(s(12));
    log.forEach((event, index) => second.board.apply(event, index + 1));
    expect(second.sent).toEqual([]);
    second.board.goLive();
    first.runUntil(s(45));
    second.runUntil(s(45));
    const ends = (sent: Array<{ state: TimerState }>) =>
      sent.map(({ state }) => state.segmentEndsAt).filter(Boolean);
    expect(ends(second.sent)).toEqual(ends(first.sent).slice(-ends(second.sent).length));
    expect(second.board.state(SESSION)).toEqual(first.board.state(SESSION));
  });

  it('takes a timer read from its subject at once, and its events brought again by the tail not twice', () => {
    const { board, sent, pending, setNow } = fakeBoard(s(5));
    board.goLive();
    const log = [logged('timer.program-set', -60, { program }), logged('timer.started', 0)];
    board.load(
      SESSION,
      log.map((event, index) => ({ event, seq: index + 1 })),
    );
    // No frame for what happened before, but the next boundary is scheduled.
    expect(sent).toEqual([]);
    expect(pending.size).toBe(1);
    log.forEach((event, index) => board.apply(event, index + 1));
    expect(sent).toEqual([]);
    expect(board.state(SESSION)).toMatchObject({ status: 'running', version: 2, remainingMs: 5000 });
    setNow(s(6));
    board.apply(logged('timer.paused', 6), 3);
    expect(sent.map(({ state }) => [state.status, state.version])).toEqual([['paused', 3]]);
  });

  it('lets go of a class timer: no state, no boundary left', () => {
    const { board, pending } = fakeBoard(s(0));
    board.goLive();
    board.apply(logged('timer.program-set', -60, { program }), 1);
    board.apply(logged('timer.started', 0), 2);
    expect(pending.size).toBe(1);
    board.forget(SESSION);
    expect(board.state(SESSION)).toBeNull();
    expect(pending.size).toBe(0);
  });

  it('resyncs running and paused timers only', () => {
    const { board, sent, setNow } = fakeBoard();
    board.goLive();
    board.apply(logged('timer.program-set', -60, { program }), 1);
    const before = sent.length;
    board.resync();
    expect(sent.length).toBe(before);
    setNow(s(0));
    board.apply(logged('timer.started', 0), 2);
    setNow(s(3));
    board.resync();
    expect(sent.at(-1)?.state).toMatchObject({ status: 'running', remainingMs: 7000, serverTime: s(3) });
  });
});
