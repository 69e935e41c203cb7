import { NotFoundException } from '@nestjs/common';
import { entityId } from '#contracts';
import type { Db, Session } from '#db';
import type { Principal } from '#platform';
import { authorize } from '../auth/principal.js';
import { parseInput } from '../http/errors.js';

/** The path of a class's routes; their contracts declare it, and `sessionInScope` parses with it. */
export const sessionPath = { sessionId: entityId };

/** The class as the read model has it, scoped to the caller's studio (another studio's is 404). */
export async function sessionInScope(
  db: Db,
  caller: Principal,
  sessionId: string,
  access: 'read' | 'write',
): Promise<Session> {
  const id = parseInput(sessionPath.sessionId, sessionId, 'session id');
  const session = await db.session.findUnique({ where: { id } });
  if (session === null) throw new NotFoundException('session not found');
  authorize(caller, session.studioId, access, 'session');
  return session;
}
