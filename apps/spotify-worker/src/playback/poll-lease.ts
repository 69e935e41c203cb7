// One worker instance polls a studio at a time: a lease row per studio
// (spotify_poll_leases) that its holder renews and anyone may take once it has
// expired (its holder died). One statement, so two instances cannot both win.
import { z } from 'zod';
import { parseRows, type Db } from '#db';

const heldBy = z.object({ owner: z.string() });

export class PollLeases {
  constructor(
    private readonly db: Db,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes or renews the lease; true when this instance holds it now. */
  async hold(studioId: string): Promise<boolean> {
    const rows = await this.db.$queryRaw`
      INSERT INTO spotify_poll_leases (studio_id, owner, expires_at)
      VALUES (${studioId}, ${this.owner}, now() + make_interval(secs => ${this.ttlMs / 1000}))
      ON CONFLICT (studio_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE spotify_poll_leases.owner = EXCLUDED.owner OR spotify_poll_leases.expires_at < now()
      RETURNING owner`;
    return parseRows(heldBy, rows).length === 1;
  }

  /** Lets the others take over at once (on shutdown). */
  async releaseAll(): Promise<void> {
    await this.db.spotifyPollLease.deleteMany({ where: { owner: this.owner } });
  }
}
