// Class lists for history screens: a studio's classes, and one athlete's
// classes with their heart-rate statistics. Both are keyset-paginated in the
// order newest first (created_at), then id.
import { z } from 'zod';
import {
  memberSessionItem,
  sessionListItem,
  type ListSessionsQuery,
  type MemberSessionPage,
  type MemberSessionsQuery,
  type MemberSessionStats,
  type SessionPage,
} from '#contracts';
import { Prisma, parseRows, wholeNumber, type Db } from '#db';
import { afterCursor, cursorKey, page, sessionOrder } from './cursor.js';
import { sessionFields } from './session-views.js';

/**
 * `from`/`to` ([from, to)) apply to the class's start time: when it actually
 * started, else when it is scheduled to start, else when it was created. A
 * class is filed under the time it happened, or will happen, whatever its status.
 */
function startTimeIn(from: number | undefined, to: number | undefined): Prisma.SessionWhereInput {
  if (from === undefined && to === undefined) return {};
  const range = {
    ...(from !== undefined && { gte: new Date(from) }),
    ...(to !== undefined && { lt: new Date(to) }),
  };
  return {
    OR: [
      { startedAt: range },
      { startedAt: null, startsAt: range },
      { startedAt: null, startsAt: null, createdAt: range },
    ],
  };
}

/** `studioId` undefined lists every studio (the bootstrap operator only). */
export async function listSessions(
  db: Db,
  studioId: string | undefined,
  query: ListSessionsQuery,
): Promise<SessionPage> {
  const rows = await db.session.findMany({
    where: {
      AND: [
        studioId === undefined ? {} : { studioId },
        query.status === undefined ? {} : { status: query.status },
        startTimeIn(query.from, query.to),
        afterCursor(cursorKey(query.cursor)),
      ],
    },
    orderBy: sessionOrder,
    take: query.limit + 1,
    include: { _count: { select: { participants: { where: { leftAt: null } } } } },
  });
  const { rows: sessions, next } = page(rows, query.limit);
  return {
    sessions: sessions.map((row) =>
      sessionListItem.parse({
        ...sessionFields(row),
        version: Number(row.version),
        participantCount: row._count.participants,
      }),
    ),
    next,
  };
}

const statsRow = z.object({
  session_id: z.string(),
  samples: wholeNumber,
  avg_bpm: z.number().nullable(),
  max_bpm: z.int().nullable(),
  first_at: wholeNumber.nullable(),
  last_at: wholeNumber.nullable(),
});

const noSamples: MemberSessionStats = {
  samples: 0,
  avgBpm: null,
  maxBpm: null,
  firstSampleAt: null,
  lastSampleAt: null,
};

/** Per class, over all of the athlete's places in it; avg and max leave out bpm 0 (no reading). */
async function statsBySession(
  db: Db,
  sessionIds: string[],
  participantIds: string[],
): Promise<Map<string, MemberSessionStats>> {
  if (sessionIds.length === 0 || participantIds.length === 0) return new Map();
  const rows = await db.$queryRaw<unknown[]>`
    SELECT session_id,
           count(*) AS samples,
           avg(bpm) FILTER (WHERE bpm > 0)::float8 AS avg_bpm,
           max(bpm) FILTER (WHERE bpm > 0)::int AS max_bpm,
           (extract(epoch FROM min(ts)) * 1000)::bigint AS first_at,
           (extract(epoch FROM max(ts)) * 1000)::bigint AS last_at
    FROM hr_samples
    WHERE session_id IN (${Prisma.join(sessionIds)})
      AND participant_id IN (${Prisma.join(participantIds)})
    GROUP BY session_id`;
  return new Map(
    parseRows(statsRow, rows).map((row) => [
      row.session_id,
      {
        samples: row.samples,
        avgBpm: row.avg_bpm === null ? null : Math.round(row.avg_bpm * 10) / 10,
        maxBpm: row.max_bpm,
        firstSampleAt: row.first_at,
        lastSampleAt: row.last_at,
      },
    ]),
  );
}

/** The classes an athlete joined, in their studio, with their heart-rate statistics in each. */
export async function memberSessions(
  db: Db,
  member: { id: string; studioId: string },
  query: MemberSessionsQuery,
): Promise<MemberSessionPage> {
  const rows = await db.session.findMany({
    where: {
      AND: [
        { studioId: member.studioId, participants: { some: { memberId: member.id } } },
        afterCursor(cursorKey(query.cursor)),
      ],
    },
    orderBy: sessionOrder,
    take: query.limit + 1,
    include: {
      participants: { where: { memberId: member.id }, orderBy: { joinedAt: 'asc' }, select: { id: true } },
    },
  });
  const { rows: sessions, next } = page(rows, query.limit);
  const participantIds = sessions.flatMap((row) => row.participants.map((participant) => participant.id));
  const stats = await statsBySession(
    db,
    sessions.map((row) => row.id),
    participantIds,
  );
  return {
    memberId: member.id,
    sessions: sessions.map((row) =>
      memberSessionItem.parse({
        ...sessionFields(row),
        participantIds: row.participants.map((participant) => participant.id),
        stats: stats.get(row.id) ?? noSamples,
      }),
    ),
    next,
  };
}
