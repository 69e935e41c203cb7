// Keeps the index of open classes the size of what is live: at start and every
// few minutes, classes ended longer ago than the horizon are purged and entries
// the log has moved past are corrected (ClassIndex.sweep). Every API instance
// sweeps; the sweep is idempotent.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '#config';
import { ClassIndex } from '#eventstore';
import { LOGGER } from '../injection.js';

const SWEEP_EVERY_MS = 5 * 60_000;

@Injectable()
export class ClassIndexSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(ClassIndex) private readonly index: ClassIndex,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.sweep();
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.sweep());
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async sweep(): Promise<void> {
    try {
      const removed = await this.index.sweep();
      if (removed > 0) this.logger.info('class index swept', { removed });
    } catch (error) {
      this.logger.warn('class index sweep failed; tried again later', { error });
    }
  }
}
