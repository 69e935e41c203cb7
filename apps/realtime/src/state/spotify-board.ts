// What plays in each studio, folded from the Spotify worker's events
// (evt.studio.<id>.spotify): every event carries the studio's whole state, so
// the latest one per studio is the `spotify:state` screens get, on change.
import type { SpotifyEvent, SpotifyState } from '#contracts';
import { evolveSpotifyState } from '#domain';

export class SpotifyBoard {
  private readonly states = new Map<string, SpotifyState>();

  /** Takes in one event; returns the new state when it differs from the last one, else null. */
  apply(event: SpotifyEvent): SpotifyState | null {
    const { studioId } = event.data;
    const before = this.states.get(studioId) ?? null;
    const after = evolveSpotifyState(before, event);
    if (after === null) return null;
    this.states.set(studioId, after);
    return before !== null && JSON.stringify(before) === JSON.stringify(after) ? null : after;
  }

  state(studioId: string): SpotifyState | null {
    return this.states.get(studioId) ?? null;
  }
}
