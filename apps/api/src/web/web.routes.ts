// Contract of the web app's one API route: what a page loads before it connects.
import { publicConfig } from '#contracts';
import { routesTagged } from '../http/route.js';

const webRoute = routesTagged('web');

export const webRoutes = {
  config: webRoute({
    summary: 'What a web page needs to connect: the realtime service’s public URL',
    description:
      'No token: a page served by the API reads it before it has done anything with its token. ' +
      '`realtimeUrl` is `HRM_PUBLIC_REALTIME_URL` when set, else the address the page was loaded from ' +
      'with the realtime port (`REALTIME_PORT`, 3001), the layout of `npm start` and of the compose file.',
    access: 'public',
    response: publicConfig,
  }),
};
