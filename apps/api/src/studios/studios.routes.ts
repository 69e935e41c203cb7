// Contracts of the studio and token routes: they validate the requests and describe them in /api/docs.
import {
  createStudioBody,
  createTokenBody,
  entityId,
  issuedToken,
  studio,
  studioTokenList,
  updateStudioBody,
} from '#contracts';
import { routesTagged } from '../http/route.js';

const studioRoute = routesTagged('studios');
const tokenRoute = routesTagged('tokens');
/** The path of a studio's routes, which their declarations parse and check the caller's access to. */
export const studioPath = { studioId: entityId };

export const studioRoutes = {
  create: studioRoute({
    summary: 'Create a studio',
    description: 'Only the operator bootstrap token (HRM_ADMIN_TOKEN) may create a studio.',
    access: 'admin',
    body: createStudioBody,
    response: studio,
    location: '/api/v1/studios/:id',
  }),
  get: studioRoute({
    summary: 'Read a studio',
    access: 'read',
    scope: 'studio',
    params: studioPath,
    response: studio,
  }),
  update: studioRoute({
    summary: "Change a studio's settings",
    description:
      'At least one field. New settings apply to athletes who join a class from then on; ' +
      '`timezone` must be an IANA zone, and the `custom` zone model needs five `customZones`.',
    access: 'operate',
    scope: 'studio',
    params: studioPath,
    body: updateStudioBody,
    response: studio,
  }),
  issueToken: tokenRoute({
    summary: 'Issue a display, coach or operator token for the studio',
    description: 'The answer is the only time the token is shown: the API keeps its hash.',
    access: 'operate',
    scope: 'studio',
    params: studioPath,
    body: createTokenBody,
    response: issuedToken,
    location: '/api/v1/studios/:studioId/tokens/:id',
  }),
  listTokens: tokenRoute({
    summary: "The studio's tokens, newest first, never their secrets",
    access: 'operate',
    scope: 'studio',
    params: studioPath,
    response: studioTokenList,
  }),
  revokeToken: tokenRoute({
    summary: 'Revoke a token',
    description: 'From then on the token answers 401; 404 for a token already revoked.',
    access: 'operate',
    scope: 'studio',
    params: { ...studioPath, tokenId: entityId },
  }),
};
