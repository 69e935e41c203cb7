// A class as the room sees it: the timer and what plays on top, one tile per
// athlete below, sized so that up to 40 fit a 1920×1080 screen without
// scrolling. Greyed, with "reconnecting", while the connection is lost.
import { useEffect, useState } from 'preact/hooks';
import type { ClassView } from '../live/class-feed.js';
import type { ServerClock } from '../live/live-socket.js';
import { NowPlaying } from './now-playing.js';
import { Tile, tileStatus } from './tile.js';
import { Timer } from './timer.js';

interface ClassBoardProps {
  view: ClassView;
  clock: ServerClock;
  compact?: boolean;
}

/** Columns for n tiles on a wide screen: about square tiles, never more than 8 across. */
export function columnsFor(count: number, compact: boolean): number {
  if (compact) return Math.min(Math.max(count, 1), 6);
  return Math.min(8, Math.max(2, Math.ceil(Math.sqrt(count * 1.6))));
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
  if (connection.status === 'refused')
    return <Notice title="Cannot show this class" text={connection.reason ?? ''} />;
  if (view.problem) return <Notice title="Cannot show this class" text={view.problem} />;
  if (!state) return <Notice title="Connecting…" text="" />;
  const now = clock.now();
  const reconnecting = connection.status === 'reconnecting';
  const columns = columnsFor(state.participants.length, compact);
  const rows = Math.max(1, Math.ceil(state.participants.length / columns));
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
      {state.participants.length === 0 ? (
        <p class="empty">No athletes in this class yet.</p>
      ) : (
        <section class="tiles" style={{ '--columns': columns, '--rows': rows }} aria-label="athletes">
          {state.participants.map((participant) => {
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

export function Notice({ title, text }: { title: string; text: string }) {
  return (
    <div class="notice" role="alert">
      <h1>{title}</h1>
      {text && <p>{text}</p>}
    </div>
  );
}
