// Contracts of the class routes: they validate the requests and describe them in /api/docs.
import {
  addParticipantBody,
  createSessionBody,
  entityId,
  listSessionsQuery,
  memberSessionPage,
  memberSessionsQuery,
  participantAdded,
  sessionPage,
  sessionView,
} from '#contracts';
import { routesTagged } from '../http/route.js';
import { studioPath } from '../studios/studios.routes.js';
import { sessionPath } from './session-scope.js';

const sessionRoute = routesTagged('sessions');
const command = {
  access: 'write',
  scope: 'session',
  params: sessionPath,
  ifMatch: true,
  rules: true,
} as const;

export const sessionRoutes = {
  schedule: sessionRoute({
    summary: 'Schedule a class',
    access: 'write',
    scope: 'studio',
    params: studioPath,
    body: createSessionBody,
    response: sessionView,
    etag: true,
    location: '/api/v1/sessions/:id',
  }),
  get: sessionRoute({
    summary: 'Read a class with its roster',
    access: 'read',
    scope: 'session',
    params: sessionPath,
    response: sessionView,
    etag: true,
  }),
  addParticipant: sessionRoute({
    summary: 'Add an athlete to the class',
    description: 'Without `deviceId`, the strap most recently paired with the athlete.',
    ...command,
    body: addParticipantBody,
    response: participantAdded,
    etag: true,
    location: '/api/v1/sessions/:sessionId/participants/:participantId',
  }),
  removeParticipant: sessionRoute({
    summary: 'Remove a participant from the class',
    ...command,
    params: { ...sessionPath, participantId: entityId },
  }),
  start: sessionRoute({ summary: 'Start the class', ...command, response: sessionView, etag: true }),
  end: sessionRoute({ summary: 'End the class', ...command, response: sessionView, etag: true }),
  list: sessionRoute({
    summary: 'List classes, newest first, keyset-paginated',
    description:
      'A studio token must name its own studio; the bootstrap operator may list every studio. ' +
      '`from` and `to` (not before `from`) filter on the start time. ' +
      'Pass `next` back as `cursor`, with the same filters.',
    access: 'read',
    scope: 'studio',
    scopeIn: 'query',
    query: listSessionsQuery,
    response: sessionPage,
  }),
  forMember: sessionRoute({
    summary: "An athlete's classes with per-class stats",
    access: 'read',
    scope: 'member',
    params: { memberId: entityId },
    query: memberSessionsQuery,
    response: memberSessionPage,
  }),
};
