// Main-thread time a page spends on each values frame, from a Chrome trace
// (categories `devtools.timeline`, `disabled-by-default-devtools.timeline`).
// The page's WebSocket hook (screen-hooks.ts) stamps each `hrm:values` message
// with console.timeStamp(label), inside the task that runs its handlers: that
// task is the frame's, its thread the page's main thread. A frame's work is
// every top-level task on that thread from its message task on, for
// `windowMs` or until the next frame's: the parse, merge and render in the
// message task, then style, layout and paint in the next rendering task, and
// any garbage collection they cause. Timer tasks are left out: the board's
// once-a-second redraw runs whether frames come or not, at a phase of its own.
import { z } from 'zod';

export const traceEvent = z.object({
  name: z.string(),
  ph: z.string(),
  ts: z.number(),
  dur: z.number().optional(),
  /** Thread (CPU) time, when the platform gives it. */
  tdur: z.number().optional(),
  pid: z.number(),
  tid: z.number(),
  args: z.object({ data: z.object({ message: z.string().optional() }).optional() }).optional(),
});
export type TraceEvent = z.infer<typeof traceEvent>;

/** The top-level task of a thread's run loop. */
export const TASK_EVENT = 'RunTask';
const STAMP_EVENT = 'TimeStamp';
const TIMER_EVENT = 'TimerFire';

/** The names the analysis reads: everything else in the trace can be dropped as it arrives. */
export const tracedNames: ReadonlySet<string> = new Set([TASK_EVENT, STAMP_EVENT, TIMER_EVENT]);

export interface FrameWork {
  /** Main-thread wall time of the frame's tasks (ms). */
  totalMs: number;
  /** Of which the message task: Socket.IO, the contract's parse, the merge and the render. */
  messageMs: number;
  /** Thread CPU time of the frame's tasks (ms); the wall time when the trace has none. */
  cpuMs: number;
}

export interface PageTrace {
  frames: FrameWork[];
  /** The longest top-level task on the page's main thread over the trace (ms). */
  longestTaskMs: number;
  /** Main-thread wall time in tasks over the trace (ms), all of it. */
  busyMs: number;
}

interface Task {
  start: number;
  end: number;
  cpu: number;
  stamped: boolean;
  timer: boolean;
}

const ms = (micros: number) => micros / 1000;

/** The page's main-thread tasks, outermost only, in order; null when no frame of `label` is in the trace. */
function tasksOf(events: readonly TraceEvent[], label: string): Task[] | null {
  const stamp = events.find((event) => event.name === STAMP_EVENT && event.args?.data?.message === label);
  if (stamp === undefined) return null;
  const onThread = events.filter((event) => event.pid === stamp.pid && event.tid === stamp.tid);
  const tasks: Task[] = [];
  for (const event of onThread
    .filter((event) => event.name === TASK_EVENT && event.ph === 'X')
    .sort((a, b) => a.ts - b.ts)) {
    const last = tasks.at(-1);
    if (last !== undefined && event.ts < last.end) continue; // nested in the one before
    const dur = event.dur ?? 0;
    tasks.push({ start: event.ts, end: event.ts + dur, cpu: event.tdur ?? dur, stamped: false, timer: false });
  }
  const containing = (ts: number) => tasks.find((task) => task.start <= ts && ts <= task.end);
  for (const event of onThread) {
    if (event.name === STAMP_EVENT && event.args?.data?.message === label) {
      const task = containing(event.ts);
      if (task) task.stamped = true;
    }
    if (event.name === TIMER_EVENT) {
      const task = containing(event.ts);
      if (task) task.timer = true;
    }
  }
  return tasks;
}

export function pageTrace(events: readonly TraceEvent[], label: string, windowMs = 100): PageTrace {
  const tasks = tasksOf(events, label);
  if (tasks === null) return { frames: [], longestTaskMs: Number.NaN, busyMs: Number.NaN };
  const frames: FrameWork[] = [];
  const starts = tasks.flatMap((task, index) => (task.stamped ? [index] : []));
  for (const [n, first] of starts.entries()) {
    const message = tasks[first];
    if (message === undefined) continue;
    const next = starts[n + 1];
    const ends = Math.min(
      message.start + windowMs * 1000,
      next === undefined ? Infinity : (tasks[next]?.start ?? Infinity),
    );
    let total = 0;
    let cpu = 0;
    for (let index = first; index < tasks.length; index++) {
      const task = tasks[index];
      if (task === undefined || task.start >= ends) break;
      if (task.timer && index !== first) continue;
      total += task.end - task.start;
      cpu += task.cpu;
    }
    frames.push({ totalMs: ms(total), messageMs: ms(message.end - message.start), cpuMs: ms(cpu) });
  }
  return {
    frames,
    longestTaskMs: ms(Math.max(0, ...tasks.map((task) => task.end - task.start))),
    busyMs: ms(tasks.reduce((sum, task) => sum + task.end - task.start, 0)),
  };
}
