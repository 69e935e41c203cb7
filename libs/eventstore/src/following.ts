// Whether a long-lived reader of the log follows it right now. Tails, the
// projection runner and ingest's pull loops each keep one, so /healthz can say
// which reader is not following and since when, and an outage is logged once
// (a warn when it stops, an info with how long it was away when it follows
// again) instead of a line per retry.
import type { ConsumerNotification } from '@nats-io/jetstream';
import type { Logger } from '#config';

export interface ReaderStatus {
  following: boolean;
  /** When the reader entered this state (epoch ms). */
  since: number;
  /** Why it is not following; null while it follows. */
  reason: string | null;
}

/** A long-lived reader of the log, named after what it reads (a subject filter, a projection). */
export interface LogReader {
  readonly reader: string;
  status(): ReaderStatus;
}

/** Reading the log failed (NATS away, consumer gone), as opposed to handling what was read. */
export class LogUnavailableError extends Error {
  override readonly name = 'LogUnavailableError';

  constructor(
    message: string,
    /** Only heartbeats were missed: maybe this process was busy, so pull again at once before calling it an outage. */
    readonly heartbeatsMissed = false,
  ) {
    super(message);
  }
}

export class Following implements LogReader {
  private state: ReaderStatus = { following: false, since: Date.now(), reason: 'starting' };
  private followedOnce = false;

  constructor(
    readonly reader: string,
    private readonly logger?: Logger,
  ) {}

  status(): ReaderStatus {
    return { ...this.state };
  }

  get following(): boolean {
    return this.state.following;
  }

  /** Stopped following: logged on the first loss only, with its reason. */
  lost(reason: string): void {
    if (!this.state.following) {
      this.state.reason = reason;
      return;
    }
    this.state = { following: false, since: Date.now(), reason };
    this.logger?.warn('stopped following the log', { reader: this.reader, reason });
  }

  /** Follows again: logged with how long it was away (not on the first start). */
  resumed(): void {
    if (this.state.following) return;
    const awayMs = Date.now() - this.state.since;
    if (this.followedOnce) this.logger?.info('following the log again', { reader: this.reader, awayMs });
    this.followedOnce = true;
    this.state = { following: true, since: Date.now(), reason: null };
  }

  /** Stopped on purpose: not an outage, nothing to log. */
  stopped(): void {
    this.state = { following: false, since: Date.now(), reason: 'stopped' };
  }
}

/**
 * What in a consumer's notifications means it no longer delivers: nats.js
 * would recover from these by itself, but only after backing off for up to
 * `expires` (30 s by default) per attempt, which is how screens froze for 45 s.
 */
export function troubleOf(notification: ConsumerNotification): string | null {
  switch (notification.type) {
    case 'heartbeats_missed':
      return `${notification.count} heartbeats missed`;
    case 'no_responders':
      return 'JetStream not answering';
    case 'consumer_deleted':
    case 'consumer_not_found':
      return 'consumer gone';
    case 'stream_not_found':
      return 'stream not found';
    default:
      return null;
  }
}

/** One line for /healthz: which readers are not following, for how long and why. */
export function describeReaders(readers: Iterable<LogReader>, now = Date.now()): string | null {
  const lagging: string[] = [];
  for (const reader of readers) {
    const { following, since, reason } = reader.status();
    if (following) continue;
    const seconds = Math.round((now - since) / 1000);
    lagging.push(`${reader.reader} not following for ${seconds} s${reason === null ? '' : ` (${reason})`}`);
  }
  return lagging.length === 0 ? null : lagging.join('; ');
}

/** Up while every reader follows the log; else down, with which one and why. */
export function readersHealth(readers: Iterable<LogReader>): { up: boolean; reason?: string } {
  const reason = describeReaders(readers);
  return reason === null ? { up: true } : { up: false, reason };
}

/** A /healthz check over long-lived readers: down, with the reason, while any of them is not following. */
export function readersCheck(name: string, readers: () => Iterable<LogReader>) {
  return { name, check: () => readersHealth(readers()) };
}
