// What one event changes in the `sessions` and `participants` rows, and the
// writes. The changes are read off the class's state before and after the
// event (the domain's fold). Every write moves forward only: a status never
// goes back, a time once set stays, a max is raised only from the max it was
// raised from, the version only grows. So an event applied again (a batch
// re-read after a crash, a parked event replayed after a later one) changes
// nothing it should not.
import type { KnownSession, Participant, SessionState } from '#domain';
import type { Tx } from '#eventstore';

type Status = KnownSession['status'];

type ParticipantRow = Pick<
  Participant,
  | 'participantId'
  | 'memberId'
  | 'displayName'
  | 'deviceId'
  | 'maxHr'
  | 'restingHr'
  | 'zoneThresholds'
  | 'joinedAt'
>;

export interface RowChanges {
  /** The class was scheduled: its row is created. */
  scheduled?: { studioId: string; title: string; startsAt: number | null; status: Status };
  status?: Status;
  startedAt?: number;
  endedAt?: number;
  joined: ParticipantRow[];
  left: Array<{ participantId: string; leftAt: number }>;
  raised: Array<{ participantId: string; fromMaxHr: number; maxHr: number; zoneThresholds: number[] }>;
}

const noChanges = (): RowChanges => ({ joined: [], left: [], raised: [] });

/** What the event changed, read off the class's state before and after it. */
export function changesBetween(before: SessionState, after: KnownSession): RowChanges {
  const changes = noChanges();
  const { studioId, title, startsAt, status } = after;
  if (before.status === 'initial') changes.scheduled = { studioId, title, startsAt, status };
  else if (before.status !== status) changes.status = status;
  if (after.status !== 'scheduled' && (before.status === 'initial' || before.status === 'scheduled'))
    changes.startedAt = after.startedAt;
  if (after.status === 'ended' && before.status !== 'ended') changes.endedAt = after.endedAt;
  for (const [participantId, participant] of after.participants) {
    const was = before.status === 'initial' ? undefined : before.participants.get(participantId);
    if (was === participant) continue;
    if (was === undefined) {
      changes.joined.push(participant);
      continue;
    }
    if (was.leftAt === null && participant.leftAt !== null)
      changes.left.push({ participantId, leftAt: participant.leftAt });
    if (was.maxHr !== participant.maxHr) {
      const { maxHr, zoneThresholds } = participant;
      changes.raised.push({ participantId, fromMaxHr: was.maxHr, maxHr, zoneThresholds });
    }
  }
  return changes;
}

/** The statuses a class moves on from to reach `status`. */
const EARLIER: Record<Status, Status[]> = {
  scheduled: [],
  live: ['scheduled'],
  ended: ['scheduled', 'live'],
};

/** Writes the changes of the event at `seq`; true when the class has a row. */
export async function writeChanges(
  tx: Tx,
  sessionId: string,
  changes: RowChanges,
  event: { seq: number; occurredAt: number },
): Promise<boolean> {
  const version = BigInt(event.seq);
  const { scheduled } = changes;
  if (scheduled !== undefined) {
    const { studioId, title, startsAt, status } = scheduled;
    await tx.session.upsert({
      where: { id: sessionId },
      create: {
        id: sessionId,
        studioId,
        title,
        status,
        startsAt: startsAt === null ? null : new Date(startsAt),
        version,
        createdAt: new Date(event.occurredAt),
      },
      update: {},
    });
  }
  const session = { id: sessionId };
  if (changes.status !== undefined)
    await tx.session.updateMany({
      where: { ...session, status: { in: EARLIER[changes.status] } },
      data: { status: changes.status },
    });
  if (changes.startedAt !== undefined)
    await tx.session.updateMany({
      where: { ...session, startedAt: null },
      data: { startedAt: new Date(changes.startedAt) },
    });
  if (changes.endedAt !== undefined)
    await tx.session.updateMany({
      where: { ...session, endedAt: null },
      data: { endedAt: new Date(changes.endedAt) },
    });
  for (const joined of changes.joined) {
    const { participantId, memberId, displayName, deviceId, maxHr, restingHr, zoneThresholds, joinedAt } =
      joined;
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
        joinedAt: new Date(joinedAt),
      },
      update: {},
    });
  }
  for (const { participantId, leftAt } of changes.left)
    await tx.participant.updateMany({
      where: { id: participantId, sessionId, leftAt: null },
      data: { leftAt: new Date(leftAt) },
    });
  for (const { participantId, fromMaxHr, maxHr, zoneThresholds } of changes.raised)
    await tx.participant.updateMany({
      where: { id: participantId, sessionId, maxHr: fromMaxHr },
      data: { maxHr, zoneThresholds },
    });
  const moved = await tx.session.updateMany({
    where: { ...session, version: { lt: version } },
    data: { version },
  });
  return scheduled !== undefined || moved.count > 0;
}
