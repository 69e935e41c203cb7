// Contracts of the strap routes: they validate the requests and describe them in /api/docs.
import { deviceIdParam, deviceList, entityId, pairDeviceBody, pairedDevice } from '#contracts';
import { routesTagged } from '../http/route.js';

const deviceRoute = routesTagged('devices');
const devicePath = { studioId: entityId, deviceId: deviceIdParam };

export const deviceRoutes = {
  pair: deviceRoute({
    summary: 'Pair a strap with an athlete',
    description: 'The device id is URL-encoded in the path, e.g. `ant%3A120%3A54321`.',
    access: 'write',
    params: devicePath,
    body: pairDeviceBody,
    response: pairedDevice,
  }),
  unpair: deviceRoute({ summary: 'Unpair a strap', access: 'write', params: devicePath }),
  list: deviceRoute({
    summary: "The studio's paired straps",
    access: 'read',
    params: { studioId: entityId },
    response: deviceList,
  }),
};
