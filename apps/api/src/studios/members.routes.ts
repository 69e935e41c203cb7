// Contracts of the athlete routes: they validate the requests and describe them in /api/docs.
import { createMemberBody, entityId, member, memberList, updateMemberBody } from '#contracts';
import { routesTagged } from '../http/route.js';
import { studioPath } from './studios.routes.js';

const memberRoute = routesTagged('members');

export const memberRoutes = {
  create: memberRoute({
    summary: 'Add an athlete to the studio',
    access: 'write',
    scope: 'studio',
    params: studioPath,
    body: createMemberBody,
    response: member,
    location: '/api/v1/members/:id',
  }),
  list: memberRoute({
    summary: "The studio's athletes, by name",
    access: 'read',
    scope: 'studio',
    params: studioPath,
    response: memberList,
  }),
  update: memberRoute({
    summary: 'Change an athlete',
    description:
      'A partial change; null clears an optional field. Classes the athlete already joined keep ' +
      'the profile they copied.',
    access: 'write',
    scope: 'member',
    params: { memberId: entityId },
    body: updateMemberBody,
    response: member,
  }),
};
