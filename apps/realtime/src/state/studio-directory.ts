// What a studio's screens need besides its classes: the studio's name
// (Postgres), and the straps its gateways hear that nobody is paired with
// (device_status KV minus the pairings in Postgres), pushed as they appear.
import {
  UNASSIGNED_SEEN_WITHIN_HOURS,
  type LiveStudio,
  type StudioDevices,
  type UnassignedDevice,
} from '#contracts';
import { unassignedOf } from '#domain';
import type { Logger } from '#config';
import type { Db } from '#db';
import type { DeviceStatusStore, DeviceStatusWatch } from '#eventstore';

/** A strap heard once, longer ago than this, is noise on a screen (as in the REST device list). */
export const UNASSIGNED_SEEN_WITHIN_MS = UNASSIGNED_SEEN_WITHIN_HOURS * 3600 * 1000;
/** Sightings arrive every few seconds per strap: one re-read per studio per second at most. */
const RECHECK_AFTER_MS = 1000;

interface Watched {
  watch: Promise<DeviceStatusWatch>;
  /** Device ids of the last list pushed, to push only a change. */
  last: string;
  recheck: NodeJS.Timeout | null;
}

export class StudioDirectory {
  private readonly watched = new Map<string, Watched>();
  private push: (devices: StudioDevices) => void = () => undefined;

  constructor(
    private readonly db: Db,
    private readonly devices: DeviceStatusStore,
    private readonly logger: Logger,
  ) {}

  /** Who sends a changed list to the studio's room. */
  listen(push: (devices: StudioDevices) => void): void {
    this.push = push;
  }

  async studio(studioId: string): Promise<LiveStudio | null> {
    const row = await this.db.studio.findUnique({
      where: { id: studioId },
      select: { id: true, name: true },
    });
    return row === null ? null : { studioId: row.id, name: row.name };
  }

  async unassigned(studioId: string, now = Date.now()): Promise<UnassignedDevice[]> {
    const [statuses, pairings] = await Promise.all([
      this.devices.studio(studioId),
      this.db.device.findMany({ where: { studioId }, select: { deviceId: true } }),
    ]);
    const paired = new Set(pairings.map((pairing) => pairing.deviceId));
    return unassignedOf(statuses, paired, now - UNASSIGNED_SEEN_WITHIN_MS);
  }

  /** Follows the studio's straps while its room has screens (idempotent). */
  watch(studioId: string, current: UnassignedDevice[]): void {
    if (this.watched.has(studioId)) return;
    const entry: Watched = {
      watch: this.devices.watchStudio(studioId, () => this.scheduleRecheck(studioId)),
      last: keyOf(current),
      recheck: null,
    };
    entry.watch.catch((error: unknown) => this.logger.error('cannot watch devices', { studioId, error }));
    this.watched.set(studioId, entry);
  }

  unwatch(studioId: string): void {
    const entry = this.watched.get(studioId);
    if (!entry) return;
    this.watched.delete(studioId);
    if (entry.recheck) clearTimeout(entry.recheck);
    void entry.watch.then((watch) => watch.stop()).catch(() => undefined);
  }

  stop(): void {
    for (const studioId of [...this.watched.keys()]) this.unwatch(studioId);
  }

  private scheduleRecheck(studioId: string): void {
    const entry = this.watched.get(studioId);
    if (!entry || entry.recheck) return;
    entry.recheck = setTimeout(() => {
      entry.recheck = null;
      void this.recheck(studioId, entry);
    }, RECHECK_AFTER_MS);
  }

  private async recheck(studioId: string, entry: Watched): Promise<void> {
    try {
      const unassigned = await this.unassigned(studioId);
      const key = keyOf(unassigned);
      if (key === entry.last || this.watched.get(studioId) !== entry) return;
      entry.last = key;
      this.push({ studioId, unassigned });
    } catch (error) {
      this.logger.warn('cannot read unassigned devices', { studioId, error });
    }
  }
}

/** The list's identity for "did it change": which straps, not their every sighting. */
const keyOf = (unassigned: UnassignedDevice[]) => unassigned.map((device) => device.deviceId).join('\n');
