// Copies every studio of Postgres into the `studios` KV bucket at start, then
// marks the bucket complete: studios created before the bucket existed (or
// while a write to it failed) become known to ingest. In the background, retried
// until it succeeds: the API serves meanwhile, and ingest holds back (never
// refuses) messages of studios it cannot find until the copy is complete.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '#config';
import type { Db } from '#db';
import { StudioRegistry } from '#eventstore';
import { DB, LOGGER } from '../injection.js';

const RETRY_MS = 2000;

@Injectable()
export class StudioRegistrySync implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(StudioRegistry) private readonly registry: StudioRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.copy();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  private async copy(): Promise<void> {
    try {
      const studios = await this.db.studio.findMany({ select: { id: true, createdAt: true } });
      for (const studio of studios) {
        if (this.stopped) return;
        await this.registry.register({ studioId: studio.id, createdAt: studio.createdAt.getTime() });
      }
      await this.registry.markComplete();
      this.logger.info('studio registry copied from the database', { studios: studios.length });
    } catch (error) {
      if (this.stopped) return;
      this.logger.warn('studio registry copy failed; retrying', { error });
      this.timer = setTimeout(() => void this.copy(), RETRY_MS);
    }
  }
}
