import { describe, expect, it } from '@jest/globals';
import { pageTrace, type TraceEvent } from './screen-trace.js';

const PAGE = { pid: 7, tid: 1 };
const task = (ts: number, dur: number, tdur = dur): TraceEvent => ({
  name: 'RunTask',
  ph: 'X',
  ts,
  dur,
  tdur,
  ...PAGE,
});
const stamp = (ts: number, message = 'frame', where = PAGE): TraceEvent => ({
  name: 'TimeStamp',
  ph: 'I',
  ts,
  ...where,
  args: { data: { message } },
});
const inside = (name: string, ts: number, dur: number, tdur = dur): TraceEvent => ({
  name,
  ph: 'X',
  ts,
  dur,
  tdur,
  ...PAGE,
});

describe("a page's main-thread time per frame, from a trace", () => {
  it('counts the message task and the tasks after it within the window, not timer tasks', () => {
    const events: TraceEvent[] = [
      task(0, 500),
      task(1_000_000, 3_000, 2_000), // frame 1's message task
      stamp(1_000_100),
      inside('FunctionCall', 1_000_200, 2_500, 1_800),
      inside('MinorGC', 1_000_300, 400), // nested in the script: counts as script
      task(1_010_000, 4_000, 3_000), // its rendering
      inside('UpdateLayoutTree', 1_010_100, 500),
      inside('Layout', 1_010_700, 1_000),
      inside('Paint', 1_011_800, 1_500),
      inside('Paint', 1_012_000, 200), // nested paint: counted once
      task(1_050_000, 1_000), // the board's second tick: a timer
      inside('TimerFire', 1_050_010, 10),
      task(1_200_000, 9_000), // after the window
      task(2_000_000, 2_000), // frame 2
      stamp(2_000_100),
      task(2_050_000, 1_000), // inside frame 2's window
      { ...task(2_060_000, 5_000), tid: 2 }, // another thread
    ];
    const trace = pageTrace(events, 'frame', 100);
    expect(trace.frames).toEqual([
      {
        totalMs: 7,
        messageMs: 3,
        cpuMs: 5,
        phasesMs: { script: 1.8, style: 0.5, layout: 1, paint: 1.5 },
      },
      { totalMs: 3, messageMs: 2, cpuMs: 3, phasesMs: { script: 0, style: 0, layout: 0, paint: 0 } },
    ]);
    expect(trace.longestTaskMs).toBe(9);
    expect(trace.busyMs).toBe(20.5);
  });

  it('ends a frame at the next one, and finds the page by its own stamps', () => {
    const other = { pid: 8, tid: 1 };
    const events: TraceEvent[] = [
      task(0, 1_000),
      stamp(10),
      task(30_000, 1_000), // frame 1's rendering
      task(50_000, 2_000), // frame 2's message, 50 ms later
      stamp(50_010),
      { ...task(0, 7_000), ...other },
      stamp(10, 'other', other),
    ];
    expect(pageTrace(events, 'frame', 100).frames.map((frame) => frame.totalMs)).toEqual([2, 2]);
    expect(pageTrace(events, 'other', 100).frames.map((frame) => frame.totalMs)).toEqual([7]);
    expect(pageTrace(events, 'missing').frames).toEqual([]);
  });
});
