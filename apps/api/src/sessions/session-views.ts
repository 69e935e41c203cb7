import { sessionStatus, sessionView, type SessionView } from '#contracts';
import type { Participant, Session } from '#db';

/** A class's own fields, as every view of it shows them (times in epoch ms). */
export function sessionFields(row: Session) {
  return {
    id: row.id,
    studioId: row.studioId,
    title: row.title,
    status: sessionStatus.parse(row.status),
    startsAt: row.startsAt?.getTime() ?? null,
    startedAt: row.startedAt?.getTime() ?? null,
    endedAt: row.endedAt?.getTime() ?? null,
  };
}

export function toSessionView(row: Session & { participants: Participant[] }): SessionView {
  return sessionView.parse({
    ...sessionFields(row),
    version: Number(row.version),
    participants: row.participants
      .filter((participant) => participant.leftAt === null)
      .map((participant) => ({
        participantId: participant.id,
        memberId: participant.memberId,
        displayName: participant.displayName,
        deviceId: participant.deviceId,
        maxHr: participant.maxHr,
        restingHr: participant.restingHr,
        zoneThresholds: participant.zoneThresholds,
      })),
  });
}
