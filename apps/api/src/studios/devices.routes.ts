// Contracts of the strap routes: they validate the requests and describe them in /api/docs.
import { devicePairing, deviceIdParam, deviceList, deviceListQuery, pairDeviceBody } from '#contracts';
import { routesTagged } from '../http/route.js';
import { studioPath } from './studios.routes.js';

const deviceRoute = routesTagged('devices');
const devicePath = { ...studioPath, deviceId: deviceIdParam };

export const deviceRoutes = {
  pair: deviceRoute({
    summary: 'Pair a strap with an athlete',
    description: 'The device id is URL-encoded in the path, e.g. `ant%3A120%3A54321`.',
    access: 'write',
    scope: 'studio',
    params: devicePath,
    body: pairDeviceBody,
    response: devicePairing,
  }),
  unpair: deviceRoute({ summary: 'Unpair a strap', access: 'write', scope: 'studio', params: devicePath }),
  list: deviceRoute({
    summary: "The studio's paired straps with their status, and the straps heard but paired with nobody",
    access: 'read',
    scope: 'studio',
    params: studioPath,
    query: deviceListQuery,
    response: deviceList,
  }),
};
