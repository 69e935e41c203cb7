// /coach/<sessionId>#token=…: the coach's tablet. The class as the room sees
// it, small, beside its controls: start and end the class, the timer, the
// music and the roster. What the token may do decides what is drawn (GET /me):
// a display token sees the tiles and no control at all. Every refusal is shown
// in the alert area with the problem's title and detail; a refusal because the
// page's view was stale (409, 412) also reads the class again.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { whoAmI, type CallerRole } from '#contracts';
import { Api } from '../api.js';
import { ClassBoard } from '../components/class-board.js';
import type { ClassState } from '../live/class-state.js';
import type { ServerClock } from '../live/live-socket.js';
import { useClassFeed } from '../live/use-class-feed.js';
import { RefusalAlert, useAttempts, type Attempts } from './coach/attempts.js';
import { ClassControls } from './coach/class-controls.js';
import { MusicPanel } from './coach/music-panel.js';
import { RosterPanel } from './coach/roster-panel.js';
import { Tabs } from './coach/tabs.js';
import { TimerPanel } from './coach/timer-panel.js';
import { useUnassignedStraps } from './coach/use-unassigned-straps.js';
import './coach.css';

interface CoachPageProps {
  socket: Socket;
  sessionId: string;
  token: string;
}

const tabs = ['timer', 'music', 'roster'] as const;
type Tab = (typeof tabs)[number];
const tabNames: Record<Tab, string> = { timer: 'Timer', music: 'Music', roster: 'Roster' };

export function CoachPage({ socket, sessionId, token }: CoachPageProps) {
  const api = useMemo(() => new Api(token), [token]);
  const { view, feed } = useClassFeed(socket, sessionId);
  // A stale refusal reads the class again: its status, roster and timer as the server holds them.
  const attempts = useAttempts(feed ? () => feed.refresh() : undefined);
  const [role, setRole] = useState<CallerRole | null>(null);
  useEffect(() => {
    void attempts.load('Read this link’s role', async () => setRole((await api.get('/me', whoAmI)).role));
  }, [api, attempts.load]);

  const state = view.state;
  // Until the role is known, no control: a display token must never see one, even for a moment.
  const controls = role !== null && role !== 'display' && state !== null && feed !== null;
  return (
    <div class={`coach${controls ? ' with-controls' : ''}`} data-role={role ?? 'unknown'}>
      <RefusalAlert refusal={attempts.refusal} onDismiss={attempts.dismiss} />
      <main class="coach-board">{feed && <ClassBoard view={view} clock={feed.clock} compact />}</main>
      {controls && (
        <CoachControls
          api={api}
          socket={socket}
          state={state}
          role={role}
          attempts={attempts}
          clock={feed.clock}
        />
      )}
    </div>
  );
}

interface CoachControlsProps {
  api: Api;
  socket: Socket;
  state: ClassState;
  role: CallerRole;
  attempts: Attempts;
  clock: ServerClock;
}

function CoachControls({ api, socket, state, role, attempts, clock }: CoachControlsProps) {
  const { sessionId, studioId, status } = state.session;
  const unassigned = useUnassignedStraps(socket, studioId);
  const { attempt, load, running } = attempts;
  return (
    <aside class="coach-controls" aria-label="class controls">
      <ClassControls api={api} sessionId={sessionId} status={status} attempt={attempt} running={running} />
      <Tabs
        label="controls"
        idPrefix="coach"
        tabs={tabs}
        class={{ list: 'coach-tabs', tab: 'coach-tab', panel: 'coach-tab-panel' }}
        title={(name) => (
          <>
            {tabNames[name]}
            {name === 'roster' && unassigned.length > 0 && (
              <span class="tab-badge" aria-label={`${unassigned.length} unassigned straps`}>
                {unassigned.length}
              </span>
            )}
          </>
        )}
        panel={(name) => {
          switch (name) {
            case 'timer':
              return (
                <TimerPanel
                  api={api}
                  socket={socket}
                  sessionId={sessionId}
                  timer={state.timer}
                  ended={status === 'ended'}
                  attempt={attempt}
                  running={running}
                />
              );
            case 'music':
              return (
                <MusicPanel
                  api={api}
                  socket={socket}
                  studioId={studioId}
                  role={role}
                  spotify={state.spotify}
                  attempt={attempt}
                  running={running}
                />
              );
            case 'roster':
              return (
                <RosterPanel
                  api={api}
                  studioId={studioId}
                  sessionId={sessionId}
                  participants={state.participants}
                  ended={status === 'ended'}
                  unassigned={unassigned}
                  attempt={attempt}
                  load={load}
                  running={running}
                  clock={clock}
                />
              );
          }
        }}
      />
    </aside>
  );
}
