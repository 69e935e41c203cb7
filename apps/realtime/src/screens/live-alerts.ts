// Alerts to a class's room: the conditions an athlete's latest sample says
// began (looked at once a tick, debounced by the athlete's state), and the
// ones an event raises (max-hr-raised, which the feed hands over as it reads it).
import { Inject, Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { liveEvents, rooms, type LiveAlert } from '#contracts';
import { LiveFeed } from '../state/live-feed.js';
import type { LiveSessionState } from '../state/live-session.js';

@Injectable()
export class LiveAlerts {
  constructor(@Inject(LiveFeed) private readonly feed: Pick<LiveFeed, 'sessions'>) {}

  /** Every class's alerts that came due by `now` (only a live class has any). */
  emitDue(namespace: Namespace, now: number): void {
    for (const session of this.feed.sessions.values()) {
      for (const alert of session.dueAlerts(now)) this.emit(namespace, session, alert);
    }
  }

  emit(namespace: Namespace, session: LiveSessionState, alert: LiveAlert): void {
    namespace.to(rooms.session(session.session.sessionId)).emit(liveEvents.alert, alert);
  }
}
