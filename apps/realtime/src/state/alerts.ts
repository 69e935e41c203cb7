// Alerts of one athlete (docs/domain.md, live status): a condition alerts when it
// begins, and the same alert for the same athlete goes out at most once a
// minute, however often the condition comes and goes.
import type { AlertKind, RecordedSample } from '#contracts';

export const STALE_AFTER_MS = 5000;
export const DISCONNECTED_AFTER_MS = 30_000;
export const LOW_BATTERY_PCT = 15;
export const ALERT_DEBOUNCE_MS = 60_000;

/** The alerts that follow from a state (max-hr-raised follows from an event instead). */
export type ConditionKind = Exclude<AlertKind, 'max-hr-raised'>;

/** What the latest sample and its age (on the server's clock) say is wrong. */
export function conditionsOf(latest: RecordedSample, ageMs: number): Set<ConditionKind> {
  const conditions = new Set<ConditionKind>();
  if (ageMs > STALE_AFTER_MS) conditions.add('stale');
  if (ageMs > DISCONNECTED_AFTER_MS) conditions.add('disconnected');
  if (latest.contact === false) conditions.add('no-contact');
  if (latest.battery !== undefined && latest.battery <= LOW_BATTERY_PCT) conditions.add('low-battery');
  return conditions;
}

export class AlertMemory {
  private active: ReadonlySet<ConditionKind> = new Set();
  private readonly lastAlertAt = new Map<AlertKind, number>();

  /**
   * The alerts due now: conditions that began since the last look and were not
   * alerted in the last minute. `silent` records the conditions without
   * alerting (a restarted instance does not re-announce what was already true).
   */
  observe(conditions: ReadonlySet<ConditionKind>, now: number, silent = false): ConditionKind[] {
    const due: ConditionKind[] = [];
    for (const kind of conditions) {
      if (this.active.has(kind) || silent) continue;
      if (this.raise(kind, now)) due.push(kind);
    }
    this.active = conditions;
    return due;
  }

  /** True when this alert may go out now (and it is then remembered as sent). */
  raise(kind: AlertKind, now: number): boolean {
    const last = this.lastAlertAt.get(kind);
    if (last !== undefined && now - last < ALERT_DEBOUNCE_MS) return false;
    this.lastAlertAt.set(kind, now);
    return true;
  }
}
