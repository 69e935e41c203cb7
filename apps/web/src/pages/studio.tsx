// /studio/<studioId>#token=…: what a studio leaves on its TV all day. While a
// class is live it shows that class (and moves to the next one by itself when
// it starts); between classes, the next scheduled class and the straps heard
// in the room that nobody wears yet, so the coach can pair them before class.
import { useEffect, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { sessionPage, type SessionListItem, type UnassignedDevice } from '#contracts';
import { Api } from '../api.js';
import { ClassBoard, Notice } from '../components/class-board.js';
import { NowPlaying } from '../components/now-playing.js';
import { useClassFeed } from '../live/use-class-feed.js';
import { StudioFeed, type StudioView } from './studio-feed.js';
import './studio.css';

interface StudioPageProps {
  socket: Socket;
  studioId: string;
  token: string;
}

/** The schedule is read again this often, for classes scheduled since (no event says so). */
const SCHEDULE_REFRESH_MS = 60_000;
/** A scheduled class whose start is further back than this is forgotten, not "next". */
const OVERDUE_AFTER_MS = 6 * 3_600_000;
/** A strap not heard for this long is shown as gone quiet. */
const QUIET_AFTER_MS = 60_000;
const LOW_BATTERY = 20;

export function StudioPage({ socket, studioId, token }: StudioPageProps) {
  const view = useStudioFeed(socket, studioId);
  const schedule = useNextClass(token, studioId, view?.classChanges ?? 0);
  if (!view) return null;
  if (view.connection.status === 'refused')
    return <Notice title="Cannot show this studio" text={view.connection.reason ?? ''} />;
  if (view.problem) return <Notice title="Cannot show this studio" text={view.problem} />;
  if (!view.studio) return <Notice title="Connecting…" text="" />;
  if (view.liveSessionId !== null) {
    return (
      <div class="studio-page" data-studio-mode="live" data-session-id={view.liveSessionId}>
        {/* Keyed: a new class gets a feed (and a board) of its own, nothing of the last one stays. */}
        <LiveClass key={view.liveSessionId} socket={socket} sessionId={view.liveSessionId} />
      </div>
    );
  }
  return <BetweenClasses view={view} schedule={schedule} />;
}

function useStudioFeed(socket: Socket, studioId: string): StudioView | null {
  const [view, setView] = useState<StudioView | null>(null);
  useEffect(() => {
    const feed = new StudioFeed(socket, studioId, setView);
    setView(feed.current);
    return () => feed.close();
  }, [socket, studioId]);
  return view;
}

function LiveClass({ socket, sessionId }: { socket: Socket; sessionId: string }) {
  const { view, feed } = useClassFeed(socket, sessionId);
  if (!feed) return null;
  return <ClassBoard view={view} clock={feed.clock} />;
}

interface Schedule {
  next: SessionListItem | null;
  /** Before the first answer. */
  loading: boolean;
  /** Why the schedule could not be read, when the last try failed. */
  problem: string | null;
}

/** The studio's next scheduled class, read again when a class starts or ends and every minute. */
function useNextClass(token: string, studioId: string, classChanges: number): Schedule {
  const [schedule, setSchedule] = useState<Schedule>({ next: null, loading: true, problem: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((count) => count + 1), SCHEDULE_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    let current = true;
    const api = new Api(token);
    const query = new URLSearchParams({
      studioId,
      status: 'scheduled',
      from: new Date(Date.now() - OVERDUE_AFTER_MS).toISOString(),
      limit: '100',
    });
    api
      .get(`/sessions?${query.toString()}`, sessionPage)
      .then((page) => {
        if (current) setSchedule({ next: nextOf(page.sessions), loading: false, problem: null });
      })
      .catch((error: unknown) => {
        // Keep showing what was known: a blip of the API must not blank the TV.
        const problem = error instanceof Error ? error.message : String(error);
        if (current) setSchedule((known) => ({ ...known, loading: false, problem }));
      });
    return () => {
      current = false;
    };
  }, [token, studioId, classChanges, tick]);
  return schedule;
}

/**
 * The class to announce: the earliest start time among those with one (an
 * overdue class is still the next one until it starts), else the first one
 * created of those without.
 */
export function nextOf(sessions: readonly SessionListItem[]): SessionListItem | null {
  const timed = sessions
    .filter((session) => session.startsAt !== null)
    .sort((a, b) => (a.startsAt ?? 0) - (b.startsAt ?? 0));
  return timed[0] ?? sessions.at(-1) ?? null;
}

/** Re-renders every `ms` so "in 5 min" and "12 s ago" move on their own. */
function useTick(ms: number): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((count) => count + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return Date.now();
}

function BetweenClasses({ view, schedule }: { view: StudioView; schedule: Schedule }) {
  const now = useTick(1_000);
  const reconnecting = view.connection.status === 'reconnecting';
  return (
    <div
      class={`studio-page between${reconnecting ? ' reconnecting' : ''}`}
      data-studio-mode="between"
      data-connection={view.connection.status}
    >
      <header class="studio-head">
        <div class="studio-name">
          <h1>{view.studio?.name}</h1>
          <span class="studio-state">No class live</span>
        </div>
        <time class="studio-clock" dateTime={new Date(now).toISOString()}>
          {timeOfDay(now)}
        </time>
        <NowPlaying spotify={view.spotify} />
      </header>
      {reconnecting && (
        <p class="reconnecting-banner" role="status">
          reconnecting…
        </p>
      )}
      <div class="studio-body">
        <NextClass schedule={schedule} now={now} />
        <UnassignedStraps devices={view.unassigned} now={now} />
      </div>
    </div>
  );
}

function NextClass({ schedule, now }: { schedule: Schedule; now: number }) {
  const { next } = schedule;
  return (
    <section class="next-class" aria-labelledby="next-class-heading" data-session-id={next?.id}>
      <h2 id="next-class-heading">Next class</h2>
      {next === null ? (
        <p class="next-none">
          {schedule.loading
            ? 'Reading the schedule…'
            : schedule.problem
              ? `Cannot read the schedule: ${schedule.problem}`
              : 'No class scheduled.'}
        </p>
      ) : (
        <>
          <p class="next-title">{next.title}</p>
          {next.startsAt === null ? (
            <p class="next-when">Starts when the coach starts it</p>
          ) : (
            <p class="next-when">
              <time class="next-time" dateTime={new Date(next.startsAt).toISOString()}>
                {startText(next.startsAt, now)}
              </time>
              <span class="next-in">{untilText(next.startsAt, now)}</span>
            </p>
          )}
          <p class="next-roster">
            {next.participantCount === 1 ? '1 athlete' : `${next.participantCount} athletes`} signed up
          </p>
        </>
      )}
    </section>
  );
}

function UnassignedStraps({ devices, now }: { devices: UnassignedDevice[]; now: number }) {
  return (
    <section class="straps" aria-labelledby="straps-heading">
      <h2 id="straps-heading">
        Unpaired straps in the room <span class="straps-count">{devices.length}</span>
      </h2>
      {devices.length === 0 ? (
        <p class="straps-none">Every strap heard here is paired with an athlete.</p>
      ) : (
        <table class="straps-table">
          <thead>
            <tr>
              <th scope="col">Strap</th>
              <th scope="col">Battery</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {devices.map((device) => (
              <StrapRow key={device.deviceId} device={device} now={now} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function StrapRow({ device, now }: { device: UnassignedDevice; now: number }) {
  const { battery, lastSeen } = device.status;
  const quiet = now - lastSeen > QUIET_AFTER_MS;
  return (
    <tr class={quiet ? 'quiet' : undefined} data-device-id={device.deviceId}>
      <td class="strap-id" title={device.deviceId}>
        {device.deviceId}
      </td>
      <td class="strap-battery">
        {battery === null ? (
          <span class="muted">unknown</span>
        ) : (
          <span class={battery <= LOW_BATTERY ? 'battery low' : 'battery'}>
            <span class="battery-bar" aria-hidden="true">
              <span style={{ width: `${battery}%` }} />
            </span>
            {battery}%
          </span>
        )}
      </td>
      <td class="strap-seen">{agoText(lastSeen, now)}</td>
    </tr>
  );
}

const timeOfDay = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** "09:30" today, "Tomorrow 09:30", else "Mon 7 Dec 09:30". */
export function startText(startsAt: number, now: number): string {
  const day = (at: number) => new Date(at).toDateString();
  if (day(startsAt) === day(now)) return timeOfDay(startsAt);
  if (day(startsAt) === day(now + 86_400_000)) return `Tomorrow ${timeOfDay(startsAt)}`;
  const date = new Date(startsAt).toLocaleDateString([], {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });
  return `${date} ${timeOfDay(startsAt)}`;
}

/** "in 25 min", "in 2 h 5 min", "starting now", "5 min late". */
export function untilText(startsAt: number, now: number): string {
  const minutes = Math.round((startsAt - now) / 60_000);
  if (minutes === 0) return 'starting now';
  const span = (total: number) =>
    total >= 60 ? `${Math.floor(total / 60)} h${total % 60 ? ` ${total % 60} min` : ''}` : `${total} min`;
  return minutes > 0 ? `in ${span(minutes)}` : `${span(-minutes)} late`;
}

/** "just now", "12 s ago", "3 min ago", "2 h ago". */
export function agoText(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3_600)} h ago`;
}
