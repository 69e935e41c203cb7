// Read model of the classes: `sessions` and `participants`, from evt.session.>.
import { eventSubjects, isSessionEvent, streams } from '#contracts';
import type { Projection, StoredEvent, Tx } from '#eventstore';

export const sessionsProjection: Projection = {
  name: 'api-sessions',
  stream: streams.events.name,
  filterSubject: eventSubjects.allSessions,
  async apply(tx, events) {
    for (const stored of events) await applyOne(tx, stored);
  },
};

async function applyOne(tx: Tx, { seq, event }: StoredEvent): Promise<void> {
  if (!isSessionEvent(event)) return;
  const version = BigInt(seq);
  const { sessionId } = event.data;
  switch (event.type) {
    case 'session.scheduled': {
      const { studioId, title, startsAt } = event.data;
      await tx.session.upsert({
        where: { id: sessionId },
        create: {
          id: sessionId,
          studioId,
          title,
          status: 'scheduled',
          startsAt: startsAt === null ? null : new Date(startsAt),
          version,
          createdAt: new Date(event.occurredAt),
        },
        update: {},
      });
      return;
    }
    case 'session.participant-joined': {
      const { participantId, memberId, displayName, deviceId, maxHr, restingHr, zoneThresholds } = event.data;
      await tx.participant.upsert({
        where: { id: participantId },
        create: {
          id: participantId,
          sessionId,
          memberId,
          displayName,
          deviceId,
          maxHr,
          restingHr,
          zoneThresholds,
          joinedAt: new Date(event.occurredAt),
        },
        update: {},
      });
      break;
    }
    case 'session.participant-left':
      await tx.participant.updateMany({
        where: { id: event.data.participantId, sessionId },
        data: { leftAt: new Date(event.occurredAt) },
      });
      break;
    case 'session.started':
      // Forward only: a parked start replayed after the class ended fills in its time, not its status.
      await tx.session.updateMany({
        where: { id: sessionId, status: 'scheduled' },
        data: { status: 'live' },
      });
      await tx.session.updateMany({
        where: { id: sessionId, startedAt: null },
        data: { startedAt: new Date(event.data.startedAt) },
      });
      break;
    case 'session.ended':
      await tx.session.updateMany({
        where: { id: sessionId },
        data: { status: 'ended', endedAt: new Date(event.data.endedAt) },
      });
      break;
    case 'session.max-hr-raised': {
      // Only from the max it was raised from: a second raise of the same run is no change.
      const { participantId, previousMaxHr, maxHr, zoneThresholds } = event.data;
      await tx.participant.updateMany({
        where: { id: participantId, sessionId, maxHr: previousMaxHr },
        data: { maxHr, zoneThresholds },
      });
      break;
    }
  }
  // The version only grows: an event replayed after a fix (a parked one) is older than the class's last.
  await tx.session.updateMany({ where: { id: sessionId, version: { lt: version } }, data: { version } });
}
