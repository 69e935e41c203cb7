// Contract of `GET /api/v1/me`: which token is calling, for a page to offer only what it may.
import { whoAmI } from '#contracts';
import { routesTagged } from '../http/route.js';

const tokensRoute = routesTagged('tokens');

export const meRoutes = {
  me: tokensRoute({
    summary: "The caller's role and studio",
    description:
      "`role` is the studio token's role (`display`, `coach`, `operator`), or `admin` for the bootstrap " +
      'token, whose `studioId` is null. A web page asks it before it draws its controls: a display token ' +
      'gets none, since every change would answer 403. Any valid token; 401 without one.',
    access: 'read',
    response: whoAmI,
  }),
};
