// What /metrics says of the screens: sockets cut off for flooding or for their
// token, and once a tick the connected sockets, the process's memory and the
// classes in memory by status (the fan-out bench reads sockets and memory
// together: memory per connected screen).
import { Inject, Injectable } from '@nestjs/common';
import type { SessionStatus } from '#contracts';
import { Metrics } from '#platform';
import type { TokenEndReason } from './token-watch.js';

@Injectable()
export class LiveMetrics {
  private readonly floodedTotal;
  private readonly tokenEndsTotal;
  private readonly socketsGauge;
  private readonly memoryGauge;
  private readonly classesGauge;

  constructor(@Inject(Metrics) metrics: Metrics) {
    this.floodedTotal = metrics.counter(
      'hrm_realtime_flooding_disconnects_total',
      'Sockets disconnected for sending past the rate limit',
    );
    this.tokenEndsTotal = metrics.counter(
      'hrm_realtime_token_disconnects_total',
      'Sockets disconnected because their token was revoked or expired, by reason',
    );
    this.socketsGauge = metrics.gauge('hrm_realtime_sockets', 'Connected sockets on /live');
    this.memoryGauge = metrics.gauge(
      'hrm_realtime_memory_bytes',
      'Process memory, by kind (rss, heapTotal, heapUsed, external, arrayBuffers)',
    );
    this.classesGauge = metrics.gauge(
      'hrm_realtime_classes',
      'Classes in memory, by status (an ended one nobody watches is let go of after the horizon)',
    );
  }

  flooded(): void {
    this.floodedTotal();
  }

  tokenEnded(reason: TokenEndReason): void {
    this.tokenEndsTotal({ reason });
  }

  /** Once a tick: the gauges, read now. */
  sample(sockets: number, classes: Readonly<Record<SessionStatus, number>>): void {
    const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
    this.memoryGauge(rss, { kind: 'rss' });
    this.memoryGauge(heapTotal, { kind: 'heapTotal' });
    this.memoryGauge(heapUsed, { kind: 'heapUsed' });
    this.memoryGauge(external, { kind: 'external' });
    this.memoryGauge(arrayBuffers, { kind: 'arrayBuffers' });
    this.socketsGauge(sockets);
    for (const [status, count] of Object.entries(classes)) this.classesGauge(count, { status });
  }
}
