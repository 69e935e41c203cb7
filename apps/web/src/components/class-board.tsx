// A class as the room sees it: the timer and what plays on top, one tile per
// athlete below, sized so that up to 40 fit a 1920×1080 screen without
// scrolling. Greyed, with "reconnecting", while the connection is lost.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { MetadataParticipant } from '#contracts';
import type { ClassView } from '../live/class-feed.js';
import type { ServerClock } from '../live/live-socket.js';
import { NowPlaying } from './now-playing.js';
import { Tile } from './tile.js';
import { tileStatus } from './tile-status.js';
import { Timer } from './timer.js';

interface ClassBoardProps {
  view: ClassView;
  clock: ServerClock;
  compact?: boolean;
}

/** The shape tiles read best in: a little wider than tall. */
const TILE_ASPECT = 1.4;

/**
 * Columns for n tiles in an area of the given width/height: the grid whose
 * tiles come closest to TILE_ASPECT, so 40 athletes fill a TV or a tablet
 * without scrolling.
 */
export function columnsFor(count: number, compact: boolean, areaAspect = 16 / 9): number {
  if (compact) return Math.min(Math.max(count, 1), 6);
  return Math.min(count, Math.max(1, Math.round(Math.sqrt((Math.max(count, 1) * areaAspect) / TILE_ASPECT))));
}

/** Re-renders every second so statuses that depend on time (disconnected) move without a frame. */
function useSecondTick(): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), 1_000);
    return () => clearInterval(timer);
  }, []);
}

export function ClassBoard({ view, clock, compact = false }: ClassBoardProps) {
  useSecondTick();
  const { state, connection } = view;
  // Hooks first: the board's shape follows the roster, whatever is shown below.
  const participants = useMemo(() => byName(state?.participants ?? []), [state?.participants]);
  // The tiles' area is the screen less the header (about a fifth of its height).
  const columns = columnsFor(participants.length, compact, window.innerWidth / (window.innerHeight * 0.8));
  const rows = Math.max(1, Math.ceil(participants.length / columns));
  const tileSize = useTileSize(columns, rows);
  if (connection.status === 'refused')
    return <Notice title="Cannot show this class" text={connection.reason ?? ''} />;
  if (view.problem) return <Notice title="Cannot show this class" text={view.problem} />;
  if (!state) return <Notice title="Connecting…" text="" />;
  const now = clock.now();
  const reconnecting = connection.status === 'reconnecting';
  return (
    <div
      class={`class-board${reconnecting ? ' reconnecting' : ''}${compact ? ' compact' : ''}`}
      data-connection={connection.status}
      data-session-status={state.session.status}
    >
      <header class="board-head">
        <div class="board-title">
          <h1>{state.session.title}</h1>
          <span class={`session-status status-${state.session.status}`}>{state.session.status}</span>
        </div>
        <Timer timer={state.timer} clock={clock} />
        <NowPlaying spotify={state.spotify} />
      </header>
      {reconnecting && (
        <p class="reconnecting-banner" role="status">
          reconnecting…
        </p>
      )}
      {participants.length === 0 ? (
        <p class="empty">No athletes in this class yet.</p>
      ) : (
        <section
          class="tiles"
          ref={compact ? undefined : tileSize.measure}
          style={{ '--columns': columns, '--rows': rows, ...(compact ? {} : tileSize.size) }}
          aria-label="athletes"
        >
          {participants.map((participant) => {
            const value = state.values.get(participant.participantId);
            return (
              <Tile
                key={participant.participantId}
                participant={participant}
                value={value}
                status={tileStatus(value, now)}
                compact={compact}
              />
            );
          })}
        </section>
      )}
    </div>
  );
}

/** One collator for every sort: `localeCompare` with options builds a new one at each call. */
const names = new Intl.Collator(undefined, { numeric: true });

/** Athletes in name order, numbers in names read as numbers (Athlete 2 before Athlete 10), so a tile never moves. */
const byName = (participants: readonly MetadataParticipant[]) =>
  [...participants].sort(
    (a, b) => names.compare(a.displayName, b.displayName) || a.participantId.localeCompare(b.participantId),
  );

/**
 * The size of one tile in px, measured from the tiles' area when it changes
 * size: the tiles' type is sized from it (`--tile-w`, `--tile-h`). Container
 * query units would do the same in CSS alone, but they make the browser
 * recompute the style of every tile's contents during each layout, which is
 * most of the cost of a frame that changes 40 tiles.
 */
function useTileSize(columns: number, rows: number) {
  const [area, setArea] = useState<{ width: number; height: number; gapX: number; gapY: number } | null>(
    null,
  );
  const observer = useRef<ResizeObserver | null>(null);
  const measure = useCallback((element: HTMLElement | null) => {
    observer.current?.disconnect();
    if (!element) return;
    observer.current = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const style = getComputedStyle(element);
      setArea({
        width: entry.contentRect.width,
        height: entry.contentRect.height,
        gapX: Number.parseFloat(style.columnGap) || 0,
        gapY: Number.parseFloat(style.rowGap) || 0,
      });
    });
    observer.current.observe(element);
  }, []);
  useEffect(() => () => observer.current?.disconnect(), []);
  const size = area && {
    '--tile-w': `${Math.max(0, (area.width - area.gapX * (columns - 1)) / columns)}px`,
    '--tile-h': `${Math.max(0, (area.height - area.gapY * (rows - 1)) / rows)}px`,
  };
  return { measure, size };
}

export function Notice({ title, text }: { title: string; text: string }) {
  return (
    <div class="notice" role="alert">
      <h1>{title}</h1>
      {text && <p>{text}</p>}
    </div>
  );
}
