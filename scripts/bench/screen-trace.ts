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

/** Where a frame's CPU time goes: trace events of each phase (the outermost of them counts). */
export const PHASES = {
  script: ['FunctionCall', 'EvaluateScript'],
  style: ['UpdateLayoutTree'],
  layout: ['Layout'],
  paint: ['PrePaint', 'Paint', 'Layerize', 'Commit', 'UpdateLayer'],
} as const;
export type Phase = keyof typeof PHASES;
const PHASE_NAMES = ['script', 'style', 'layout', 'paint'] as const;
const phaseOf = new Map<string, Phase>();
for (const phase of PHASE_NAMES) {
  for (const name of PHASES[phase]) phaseOf.set(name, phase);
}
const noPhases = (): Record<Phase, number> => ({ script: 0, style: 0, layout: 0, paint: 0 });

/** The names the analysis reads: everything else in the trace can be dropped as it arrives. */
export const tracedNames: ReadonlySet<string> = new Set([
  TASK_EVENT,
  STAMP_EVENT,
  TIMER_EVENT,
  ...phaseOf.keys(),
]);

export interface FrameWork {
  /** Main-thread wall time of the frame's tasks (ms). */
  totalMs: number;
  /** Of which the message task: Socket.IO, the contract's parse, the merge and the render. */
  messageMs: number;
  /** Thread CPU time of the frame's tasks (ms); the wall time when the trace has none. */
  cpuMs: number;
  /** Of the CPU time, what each phase took (ms); the rest is the tasks' own (message dispatch, GC, ...). */
  phasesMs: Record<Phase, number>;
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
  phases: Record<Phase, number>;
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
    tasks.push({
      start: event.ts,
      end: event.ts + dur,
      cpu: event.tdur ?? dur,
      stamped: false,
      timer: false,
      phases: noPhases(),
    });
  }
  const containing = (ts: number) => tasks.find((task) => task.start <= ts && ts <= task.end);
  addPhases(tasks, onThread);
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

/** Adds each phase event's CPU time to its task, the outermost of nested ones only. */
function addPhases(tasks: readonly Task[], onThread: readonly TraceEvent[]): void {
  const phased = onThread
    .filter((event) => event.ph === 'X' && phaseOf.has(event.name))
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  let taskIndex = 0;
  let outermostEnd = -Infinity;
  for (const event of phased) {
    if (event.ts < outermostEnd) continue;
    const dur = event.dur ?? 0;
    outermostEnd = event.ts + dur;
    while (taskIndex < tasks.length && (tasks[taskIndex]?.end ?? Infinity) < event.ts) taskIndex++;
    const task = tasks[taskIndex];
    const phase = phaseOf.get(event.name);
    if (task === undefined || phase === undefined || event.ts < task.start) continue;
    task.phases[phase] += event.tdur ?? dur;
  }
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
    const phases = noPhases();
    for (let index = first; index < tasks.length; index++) {
      const task = tasks[index];
      if (task === undefined || task.start >= ends) break;
      if (task.timer && index !== first) continue;
      total += task.end - task.start;
      cpu += task.cpu;
      for (const phase of PHASE_NAMES) phases[phase] += task.phases[phase];
    }
    frames.push({
      totalMs: ms(total),
      messageMs: ms(message.end - message.start),
      cpuMs: ms(cpu),
      phasesMs: {
        script: ms(phases.script),
        style: ms(phases.style),
        layout: ms(phases.layout),
        paint: ms(phases.paint),
      },
    });
  }
  return {
    frames,
    longestTaskMs: ms(Math.max(0, ...tasks.map((task) => task.end - task.start))),
    busyMs: ms(tasks.reduce((sum, task) => sum + task.end - task.start, 0)),
  };
}
