// One athlete on the class screen: name, bpm, % of max, zone (colour and its
// number, so it reads without colour), kcal and points, and a badge for a
// strap that is stale, disconnected, without contact or low on battery.
import { memo } from 'preact/compat';
import type { LiveValue, MetadataParticipant } from '#contracts';
import { oneDecimal, whole } from './format.js';
import type { TileStatus } from './tile-status.js';

const badges: Record<TileStatus, string | null> = {
  ok: null,
  waiting: 'waiting',
  stale: 'stale',
  disconnected: 'disconnected',
  'no-contact': 'no contact',
  'low-battery': 'low battery',
};

interface TileProps {
  participant: MetadataParticipant;
  value: LiveValue | undefined;
  status: TileStatus;
  /** Small tiles on the coach's tablet. */
  compact?: boolean;
}

export const Tile = memo(function Tile({ participant, value, status, compact = false }: TileProps) {
  const zone = value?.zone ?? 0;
  const badge = badges[status];
  return (
    <article
      class={`tile zone-${zone}${compact ? ' compact' : ''}`}
      data-participant-id={participant.participantId}
      data-zone={zone}
      data-status={status}
      aria-label={participant.displayName}
    >
      <header class="tile-head">
        <span class="tile-name">{participant.displayName}</span>
        <span class="tile-zone" title={`zone ${zone}`}>
          Z{zone}
        </span>
      </header>
      <div class="tile-bpm">
        <span class="bpm" data-bpm>
          {value && value.bpm > 0 ? value.bpm : '–'}
        </span>
        <span class="bpm-side">
          <span class="pct">{value ? `${whole(value.pctMax)}%` : ''}</span>
          <span class="unit">bpm</span>
        </span>
      </div>
      <footer class="tile-foot">
        {/* A strap's problem matters more than the calories in that moment: it takes their place. */}
        {badge ? (
          <span class={`badge badge-${status}`}>{badge}</span>
        ) : (
          <span class="kcal">{value?.kcal != null ? `${whole(value.kcal)} kcal` : '– kcal'}</span>
        )}
        <span class="points">{value ? `${oneDecimal(value.points)} pts` : '0.0 pts'}</span>
      </footer>
    </article>
  );
});
