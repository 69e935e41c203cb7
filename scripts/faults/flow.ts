// When values flowed again on a screen: not the first fresh frame (a reader
// that stalls again right after would pass that), but the start of the stretch,
// lasting until the load ended, in which the screen never lagged the gateway's
// clock by more than `maxLagMs`.
import type { ShownAt } from './screen.js';

/** A value tick (1 s), a batch interval and some room for a loaded machine. */
export const MAX_LAG_MS = 3000;

/** ms from `since` until values flowed and kept flowing up to `until`; null when they were stale at `until`. */
export function valuesFlowingAfter(
  shown: readonly ShownAt[],
  since: number,
  until: number,
  maxLagMs = MAX_LAG_MS,
): number | null {
  const window = shown.filter((look) => look.at >= since && look.at <= until);
  const last = window.at(-1);
  if (last === undefined || last.at - last.newestTs > maxLagMs) return null;
  let flowingFrom = last.at;
  for (let index = window.length - 1; index >= 0; index--) {
    const look = window[index];
    if (look === undefined || look.at - look.newestTs > maxLagMs) break;
    flowingFrom = look.at;
  }
  return flowingFrom - since;
}
