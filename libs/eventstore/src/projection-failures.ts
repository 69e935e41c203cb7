// Parked events: what a projection could not apply (a refusal of its
// statement, or an event it cannot decode) is recorded in projection_failures
// in the same transaction that moves the checkpoint past it, so one bad event
// never holds back the events after it. An operator lists them and replays one
// after a fix: the event is read again from the log by its sequence and
// applied through the same projection; the row then keeps the time it was
// resolved, as the record of what happened.
import { describeDbError, type Db, type DbErrorInfo, type ProjectionFailure } from '#db';
import type { Metrics } from '#platform';
import { decodeEvent } from './codec.js';
import type { EventStore } from './event-store.js';
import type { Projection, Tx } from './projection-runner.js';

export interface ParkedEvent {
  projection: string;
  stream: string;
  seq: number;
  subject: string;
  error: Pick<DbErrorInfo, 'code' | 'message'>;
  attempts: number;
}

/** The error code of an event that is not a valid event of our contracts. */
export const INVALID_EVENT_CODE = 'invalid-event';

/** Records `parked`; a second record of the same event (another instance, a redelivery) is ignored. */
export async function recordParked(tx: Tx, parked: ParkedEvent[]): Promise<void> {
  if (parked.length === 0) return;
  await tx.projectionFailure.createMany({
    data: parked.map(({ projection, stream, seq, subject, error, attempts }) => ({
      projection,
      stream,
      seq: BigInt(seq),
      subject,
      errorMessage: error.message,
      errorCode: error.code,
      attempts,
    })),
    skipDuplicates: true,
  });
}

/** The /metrics of parked events: a counter of parkings, and a gauge of those not yet replayed. */
export class ParkedMetrics {
  private readonly parkedTotal: (labels: Record<string, string>) => void;
  private readonly parkedNow: (value: number, labels: Record<string, string>) => void;

  constructor(metrics: Metrics) {
    this.parkedTotal = metrics.counter(
      'hrm_projection_events_parked_total',
      'Events a projection could not apply and set aside (projection_failures)',
    );
    this.parkedNow = metrics.gauge(
      'hrm_projection_events_parked',
      'Events set aside by a projection and not yet replayed',
    );
  }

  parked(projection: string): void {
    this.parkedTotal({ projection });
  }

  /** Reads the count of unresolved failures: rows other instances parked or replayed count too. */
  async refresh(db: Db, projection: string): Promise<void> {
    const count = await db.projectionFailure.count({ where: { projection, resolvedAt: null } });
    this.parkedNow(count, { projection });
  }
}

export type ReplayResult =
  | { ok: true; failure: ProjectionFailure }
  | { ok: false; reason: 'not-in-log' | 'still-failing'; error: Pick<DbErrorInfo, 'code' | 'message'> };

/**
 * Applies a parked event again, through `projection`, in one transaction that
 * also marks it resolved. The projections' writes are insert-or-ignore, so an
 * event that was partly visible before is not doubled. An outage is thrown
 * (the caller answers 503); a refusal leaves the event parked.
 */
export async function replayParked(
  store: EventStore,
  db: Db,
  projection: Projection,
  failure: ProjectionFailure,
): Promise<ReplayResult> {
  if (failure.resolvedAt !== null) return { ok: true, failure };
  const message = await store.jsm.streams.getMessage(failure.stream, { seq: Number(failure.seq) });
  if (message === null) {
    const error = { code: null, message: `event ${failure.seq} is no longer in stream ${failure.stream}` };
    return { ok: false, reason: 'not-in-log', error };
  }
  const decoded = decodeEvent(message.data);
  if (!decoded.ok) {
    return {
      ok: false,
      reason: 'still-failing',
      error: { code: INVALID_EVENT_CODE, message: decoded.reason },
    };
  }
  try {
    const resolved = await db.$transaction(async (tx) => {
      await projection.apply(tx, [{ seq: message.seq, subject: message.subject, event: decoded.event }]);
      return tx.projectionFailure.update({ where: { id: failure.id }, data: { resolvedAt: new Date() } });
    });
    return { ok: true, failure: resolved };
  } catch (error) {
    const described = describeDbError(error);
    if (described.transient) throw error;
    return {
      ok: false,
      reason: 'still-failing',
      error: { code: described.code, message: described.message },
    };
  }
}
