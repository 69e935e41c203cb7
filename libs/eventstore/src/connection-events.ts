// The connection's disconnects and reconnects, fanned out to the readers of
// one EventStore: one status iterator for the process instead of one per reader.
import type { NatsConnection } from '@nats-io/transport-node';

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
