// Now playing: each connected studio whose lease this instance holds is polled,
// fast while busy (live class, watched) and slowly otherwise. An event is
// appended only when what a screen shows changed, with the subject's version
// as the expected one, so two pollers (a lease handover) never both write it.
// 429 waits Retry-After; 5xx and network errors back off with jitter.
import { playbackChanged, type PlaybackView } from '#domain';
import type { Logger } from '#config';
import type { SpotifyClient, SpotifyFailure, SpotifyResult } from '../spotify/spotify-client.js';
import type { Playback } from '../spotify/spotify-json.js';
import type { SpotifyAccess } from '../credentials/spotify-access.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { PollLeases } from './poll-lease.js';
import type { SpotifyEvents } from './spotify-events.js';
import type { StudioActivity } from './studio-activity.js';

export interface PollerOptions {
  fastMs: number;
  slowMs: number;
  /** How often the list of studios and the leases are renewed. */
  leaseEveryMs: number;
  maxBackoffMs?: number;
}

interface StudioPoll {
  nextAt: number;
  failures: number;
  unavailable: boolean;
  last: PlaybackView | null;
  version: number;
  /** The view and version were read from the log (after taking the lease). */
  loaded: boolean;
}

/** Failures in a row before the studio is reported unavailable. */
const UNAVAILABLE_AFTER = 3;

export class PlaybackPoller {
  private readonly studios = new Map<string, StudioPoll>();
  private held = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private running = false;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly access: SpotifyAccess,
    private readonly store: CredentialStore,
    private readonly spotify: SpotifyClient,
    private readonly events: SpotifyEvents,
    private readonly leases: PollLeases,
    private readonly activity: StudioActivity,
    private readonly logger: Logger,
    private readonly options: PollerOptions,
  ) {}

  /** Studios whose lease this instance holds: the ones it polls. */
  get studiosPolled(): number {
    return this.held.size;
  }

  start(): void {
    this.running = true;
    const tick = Math.min(250, this.options.fastMs);
    void this.renewLeases();
    this.leaseTimer = setInterval(() => void this.renewLeases(), this.options.leaseEveryMs);
    this.timer = setInterval(() => {
      this.busy = this.busy
        .then(() => this.pollDue())
        .catch((error) => this.logger.warn('poll failed', { error }));
    }, tick);
  }

  /** Poll this studio at the next tick (after a command, or a sign-in). */
  pollSoon(studioId: string): void {
    const poll = this.studios.get(studioId);
    if (poll !== undefined) poll.nextAt = Math.min(poll.nextAt, Date.now());
    this.activity.watch(studioId);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.busy;
    await this.leases.releaseAll().catch(() => undefined);
  }

  private async renewLeases(): Promise<void> {
    if (!this.running) return;
    try {
      const connected = await this.store.connectedStudios();
      const held = new Set<string>();
      for (const studioId of connected) if (await this.leases.hold(studioId)) held.add(studioId);
      for (const studioId of this.studios.keys()) if (!held.has(studioId)) this.studios.delete(studioId);
      for (const studioId of held) {
        if (!this.studios.has(studioId)) {
          this.studios.set(studioId, {
            nextAt: 0,
            failures: 0,
            unavailable: false,
            last: null,
            version: 0,
            loaded: false,
          });
        }
      }
      this.held = held;
    } catch (error) {
      this.logger.warn('could not renew polling leases', { error });
    }
  }

  private async pollDue(): Promise<void> {
    const now = Date.now();
    const due = [...this.studios.entries()].filter(
      ([studioId, poll]) => this.held.has(studioId) && poll.nextAt <= now,
    );
    await Promise.all(due.map(([studioId, poll]) => this.pollOne(studioId, poll)));
  }

  private period(studioId: string): number {
    return this.activity.isBusy(studioId) ? this.options.fastMs : this.options.slowMs;
  }

  private async pollOne(studioId: string, poll: StudioPoll): Promise<void> {
    if (!poll.loaded) await this.reload(studioId, poll);
    const result = await this.callPlayer(studioId);
    if (result === 'stop') {
      this.studios.delete(studioId);
      return;
    }
    if (!result.ok) return this.failed(studioId, poll, result.error);
    poll.failures = 0;
    poll.nextAt = Date.now() + this.period(studioId);
    const playback = result.value ?? { isPlaying: false, track: null, progressMs: null, device: null };
    const view: PlaybackView = {
      isPlaying: playback.isPlaying,
      track: playback.track,
      device: playback.device,
    };
    if (!poll.unavailable && !playbackChanged(poll.last, view)) return;
    await this.emit(studioId, poll, playback, view);
  }

  /** The player's answer, with one refresh after a 401; 'stop' when the studio cannot be polled (needs auth). */
  private async callPlayer(studioId: string): Promise<SpotifyResult<Playback | null> | 'stop'> {
    const token = await this.access.get(studioId);
    if (!token.ok) {
      if (token.error.kind === 'refresh-failed') return { ok: false, error: token.error.failure };
      return 'stop';
    }
    const first = await this.spotify.playback(token.accessToken);
    if (first.ok || first.error.kind !== 'unauthorized') return first;
    const renewed = await this.access.afterUnauthorized(studioId, token.accessToken);
    if (!renewed.ok)
      return renewed.error.kind === 'refresh-failed' ? { ok: false, error: renewed.error.failure } : 'stop';
    return this.spotify.playback(renewed.accessToken);
  }

  private async failed(studioId: string, poll: StudioPoll, failure: SpotifyFailure): Promise<void> {
    if (failure.kind === 'rate-limited') {
      poll.nextAt = Date.now() + failure.retryAfterMs;
      this.logger.info('spotify rate limit: waiting', { studioId, retryAfterMs: failure.retryAfterMs });
      return;
    }
    poll.failures += 1;
    const base = Math.min(this.options.maxBackoffMs ?? 60_000, this.options.fastMs * 2 ** poll.failures);
    // Full jitter: instances and studios that failed together do not retry together.
    poll.nextAt = Date.now() + base / 2 + Math.random() * (base / 2);
    this.logger.warn('spotify playback poll failed', {
      studioId,
      failure: failure.kind,
      failures: poll.failures,
    });
    if (poll.failures >= UNAVAILABLE_AFTER && !poll.unavailable) {
      const version = await this.events.append(
        studioId,
        { type: 'spotify.unavailable', data: { studioId, reason: failure.kind } },
        poll.version,
      );
      if (version === null) poll.loaded = false;
      else {
        poll.version = version;
        poll.unavailable = true;
      }
    }
  }

  private async reload(studioId: string, poll: StudioPoll): Promise<void> {
    const last = await this.events.last(studioId);
    poll.version = last.seq;
    poll.loaded = true;
    poll.unavailable = last.event?.type === 'spotify.unavailable';
    poll.last =
      last.event?.type === 'spotify.playback-changed'
        ? {
            isPlaying: last.event.data.isPlaying,
            track: last.event.data.track,
            device: last.event.data.device,
          }
        : null;
  }

  private async emit(
    studioId: string,
    poll: StudioPoll,
    playback: Playback,
    view: PlaybackView,
  ): Promise<void> {
    const version = await this.events.append(
      studioId,
      {
        type: 'spotify.playback-changed',
        data: { studioId, ...playback, at: Date.now() },
      },
      poll.version,
    );
    if (version === null) {
      // Someone else wrote (a sign-in, another poller): read the log again, decide on the next poll.
      poll.loaded = false;
      poll.nextAt = Date.now();
      return;
    }
    poll.version = version;
    poll.last = view;
    poll.unavailable = false;
  }
}
