// The screens' clock. Every tick (HRM_TICK_MS): the gauges, the alerts that
// came due, then one coalesced values frame per class room with screens in it
// (ValuesDelivery). Every TIMER_RESYNC_MS: the running and paused timers'
// state again. Started by the gateway once its namespace exists; stopped on
// shutdown, so no interval outlives the app.
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import { rooms, type SessionStatus } from '#contracts';
import { Metrics } from '#platform';
import { TICK_MS } from '../injection.js';
import { LiveFeed } from '../state/live-feed.js';
import { TIMER_RESYNC_MS } from '../state/timer-board.js';
import { LiveAlerts } from './live-alerts.js';
import { LiveMetrics } from './live-metrics.js';
import { ValuesDelivery, type SocketState } from './values-delivery.js';

@Injectable()
export class LiveTick implements OnApplicationShutdown {
  private ticker: NodeJS.Timeout | null = null;
  private resyncer: NodeJS.Timeout | null = null;
  private readonly delivery: ValuesDelivery;

  constructor(
    @Inject(LiveFeed) private readonly feed: Pick<LiveFeed, 'sessions' | 'timers'>,
    @Inject(LiveAlerts) private readonly alerts: LiveAlerts,
    @Inject(LiveMetrics) private readonly metrics: LiveMetrics,
    @Inject(Metrics) registry: Metrics,
    @Inject(TICK_MS) private readonly tickMs: number,
  ) {
    this.delivery = new ValuesDelivery(registry);
  }

  /** `stateOf` is what the gateway keeps of a socket (which classes' frames it missed). */
  start(namespace: Namespace, stateOf: (socket: Socket) => SocketState | undefined): void {
    this.stop();
    this.ticker = setInterval(() => this.tick(namespace, stateOf), this.tickMs);
    this.resyncer = setInterval(() => this.feed.timers.resync(), TIMER_RESYNC_MS);
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    if (this.resyncer) clearInterval(this.resyncer);
    this.ticker = null;
    this.resyncer = null;
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  private tick(namespace: Namespace, stateOf: (socket: Socket) => SocketState | undefined): void {
    const now = Date.now();
    const classes: Record<SessionStatus, number> = { scheduled: 0, live: 0, ended: 0 };
    for (const session of this.feed.sessions.values()) classes[session.session.status]++;
    this.metrics.sample(namespace.sockets.size, classes);
    this.alerts.emitDue(namespace, now);
    for (const [sessionId, session] of this.feed.sessions) {
      const members = namespace.adapter.rooms.get(rooms.session(sessionId));
      if (!members || members.size === 0) continue;
      this.delivery.deliver(namespace, session, members, stateOf, now);
    }
  }
}
