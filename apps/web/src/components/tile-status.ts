// A tile's status: what its badge and its `data-status` say.
import type { LiveValue } from '#contracts';

/** What a tile's `data-status` says: the value's status, or the two a value alone cannot. */
export type TileStatus = LiveValue['status'] | 'disconnected' | 'waiting';

/** More than this without a sample (on server time) and a stale strap counts as disconnected, as the alert does. */
export const DISCONNECTED_AFTER_MS = 30_000;

export function tileStatus(value: LiveValue | undefined, serverNow: number): TileStatus {
  if (value === undefined) return 'waiting';
  if (value.status === 'stale' && serverNow - value.ts > DISCONNECTED_AFTER_MS) return 'disconnected';
  return value.status;
}
