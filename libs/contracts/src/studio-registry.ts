// Which studios exist, for services without the database (ingest): a NATS KV
// bucket the API writes when it creates a studio, and fills from Postgres at
// start. A gateway message for a studio not in it is refused (`unknown-studio`).
import { z } from 'zod';
import { entityId, epochMs } from './common.js';

export const studioRegistryBucket = {
  name: 'studios',
  history: 1,
  /**
   * Written by the API once every studio of Postgres is in the bucket. Until then
   * a studio missing from it may just not be copied yet: ingest waits instead of
   * refusing. A key with a dot is never a studio (ids are single subject tokens).
   */
  completeKey: 'registry.complete',
} as const;

/** One studio's entry; the key is the studio id. */
export const studioRegistryRecord = z.strictObject({
  studioId: entityId,
  createdAt: epochMs,
});
export type StudioRegistryRecord = z.infer<typeof studioRegistryRecord>;
