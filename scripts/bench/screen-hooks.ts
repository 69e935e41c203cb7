// What the screen bench puts in each page before the page's own scripts: a
// WebSocket that stamps every `hrm:values` message in the trace
// (console.timeStamp, inside the task that runs the message's handlers), and a
// long-task observer. Plain JavaScript in a string: it runs in the page.
import { z } from 'zod';

/** The global the hooks keep their counts in. */
export const HOOKS_GLOBAL = '__hrmBench';

/** The hooks' script for a page whose frames are stamped `label` in the trace. */
export function pageHooks(label: string): string {
  return `(() => {
  const seen = { frames: 0, longTasks: [] };
  globalThis[${JSON.stringify(HOOKS_GLOBAL)}] = seen;
  const Native = globalThis.WebSocket;
  globalThis.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      // Added before Socket.IO sets onmessage, so it runs first, in the same task.
      this.addEventListener('message', (event) => {
        if (typeof event.data === 'string' && event.data.startsWith('42/live,["hrm:values"')) {
          seen.frames++;
          console.timeStamp(${JSON.stringify(label)});
        }
      });
    }
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) seen.longTasks.push({ startTime: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
})();`;
}

export const hooksSeen = z.object({
  frames: z.number(),
  longTasks: z.array(z.object({ startTime: z.number(), duration: z.number() })),
});
export type HooksSeen = z.infer<typeof hooksSeen>;
