// The connection's disconnects and reconnects, fanned out to the readers of
// one EventStore: one status iterator for the process instead of one per reader.
import type { ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { LogUnavailableError, troubleOf, type Following } from './following.js';

export type ConnectionChange = 'disconnect' | 'reconnect';

export class ConnectionEvents {
  private readonly listeners = new Set<(change: ConnectionChange) => void>();

  constructor(connection: NatsConnection) {
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type !== 'disconnect' && status.type !== 'reconnect') continue;
        for (const listener of [...this.listeners]) listener(status.type);
      }
    })();
  }

  /** Calls `listener` on each change until the returned function is called. */
  listen(listener: (change: ConnectionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Ends a pull (fetch or consume) with a LogUnavailableError as soon as NATS
 * goes away or the consumer stops delivering, rather than leave it to
 * nats.js, which waits up to `expires` before each new attempt. Returns the
 * function that stops watching.
 */
export function endOnTrouble(
  messages: ConsumerMessages,
  events: ConnectionEvents,
  following: Following,
): () => void {
  const end = (reason: string, heartbeatsMissed = false) => {
    if (!heartbeatsMissed) following.lost(reason);
    messages.stop(new LogUnavailableError(reason, heartbeatsMissed));
  };
  const unlisten = events.listen((change) =>
    end(change === 'disconnect' ? 'NATS disconnected' : 'NATS reconnected'),
  );
  void (async () => {
    for await (const notification of messages.status()) {
      const trouble = troubleOf(notification);
      if (trouble !== null) end(trouble, notification.type === 'heartbeats_missed');
    }
  })();
  return unlisten;
}
