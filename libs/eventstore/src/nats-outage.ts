// Whether an error means NATS (the event log) is out of reach right now, as
// opposed to a refusal of this request: a caller answers "try again" (503)
// for the first and reports the second.
import { JetStreamApiError, JetStreamError } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import { LogUnavailableError } from './following.js';

export function isNatsOutage(error: unknown): boolean {
  if (
    error instanceof ConnectionError ||
    error instanceof ClosedConnectionError ||
    error instanceof DrainingConnectionError ||
    error instanceof TimeoutError ||
    error instanceof NoRespondersError ||
    // What the log's own readers throw when NATS stops answering them (following.ts).
    error instanceof LogUnavailableError
  )
    return true;
  if (error instanceof RequestError) return error.isNoResponders() || isNatsOutage(error.cause);
  // JetStream answers 503 while it has no leader or is still starting.
  if (error instanceof JetStreamApiError) return error.status === 503;
  if (error instanceof JetStreamError)
    return /no responders|timeout|not (enabled|available)/i.test(error.message);
  return false;
}
