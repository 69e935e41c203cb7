// Keeps each strap's latest sighting in the device status bucket, throttled:
// a first sighting or a battery change is written at once, anything else at
// most once per interval per strap (the newest news at that moment). What is
// held here between two writes is at most one interval of last-seen times: a
// crash loses that much, and the next sample or status message brings it back.
import { deviceStatusKey } from '#contracts';
import type { Logger } from '#config';
import {
  merge,
  observe,
  sameSighting,
  writeDecision,
  type DeviceSighting,
  type Observation,
  type Written,
} from '#domain';
import type { DeviceStatusStore } from '#eventstore';
import type { Metrics } from '#platform';

interface Strap {
  written: Written | null;
  /** Newer than what was written, not written yet. */
  pending: DeviceSighting | null;
  writing: boolean;
}

export interface RecorderOptions {
  intervalMs: number;
  now?: () => number;
}

export class DeviceStatusRecorder {
  private readonly straps = new Map<string, Strap>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly count;

  constructor(
    private readonly store: DeviceStatusStore,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly options: RecorderOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.count = {
      writes: metrics.counter('hrm_ingest_device_status_writes_total', 'Device status records written'),
      failures: metrics.counter(
        'hrm_ingest_device_status_write_failures_total',
        'Device status writes that failed (retried at the next interval)',
      ),
    };
  }

  start(): void {
    this.timer = setInterval(() => this.flush(false), Math.min(this.options.intervalMs, 1000));
  }

  /** Writes everything still held, and waits for every write. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.flush(true);
    await this.settled();
  }

  /** Resolves once no write is in flight. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** What samples or a status message said about straps; never waits for a write. */
  observe(observations: Observation[]): void {
    const now = this.now();
    for (const observation of observations) {
      const key = deviceStatusKey(observation.studioId, observation.deviceId);
      let strap = this.straps.get(key);
      if (strap === undefined) {
        strap = { written: null, pending: null, writing: false };
        this.straps.set(key, strap);
      }
      const next = observe(strap.pending ?? strap.written?.sighting ?? null, observation, now);
      const decision = writeDecision(strap.written, next, now, this.options.intervalMs);
      strap.pending = decision === 'nothing' ? null : next;
      if (decision === 'now') this.write(strap);
    }
  }

  /** Writes what is due (or, with `all`, everything held); forgets straps not heard for a while. */
  private flush(all: boolean): void {
    const now = this.now();
    const forgetAfter = Math.max(60_000, 12 * this.options.intervalMs);
    for (const [key, strap] of this.straps) {
      if (strap.writing) continue;
      if (strap.pending === null) {
        // Heard again later, it counts as a first sighting: one write at once.
        if (strap.written !== null && now - strap.written.at > forgetAfter) this.straps.delete(key);
        continue;
      }
      if (all || strap.written === null || now - strap.written.at >= this.options.intervalMs)
        this.write(strap);
    }
  }

  private write(strap: Strap): void {
    const sighting = strap.pending;
    if (strap.writing || sighting === null) return;
    strap.writing = true;
    strap.pending = null;
    let succeeded = false;
    const done = this.store
      .update(sighting.studioId, sighting.deviceId, (stored) => {
        // Another instance may know newer news: keep the newest of both.
        const merged = stored === null ? sighting : merge(stored, sighting);
        return stored !== null && sameSighting(stored, merged) ? null : merged;
      })
      .then((stored) => {
        strap.written = { sighting: stored ?? sighting, at: this.now() };
        succeeded = true;
        this.count.writes({ studio: sighting.studioId });
      })
      .catch((error: unknown) => {
        // Kept for the next interval; an outage of NATS never stops ingest.
        strap.pending = strap.pending === null ? sighting : merge(sighting, strap.pending);
        if (strap.written !== null) strap.written = { ...strap.written, at: this.now() };
        this.count.failures({ studio: sighting.studioId });
        this.logger.warn('device status write failed', { deviceId: sighting.deviceId, error });
      })
      .finally(() => {
        strap.writing = false;
        this.inFlight.delete(done);
        // A battery change that came in during the write goes out now, not a whole interval
        // later; after a failure, the next interval retries.
        if (succeeded && strap.pending !== null && strap.written !== null) {
          const decision = writeDecision(strap.written, strap.pending, this.now(), this.options.intervalMs);
          if (decision === 'now') this.write(strap);
        }
      });
    this.inFlight.add(done);
  }
}
