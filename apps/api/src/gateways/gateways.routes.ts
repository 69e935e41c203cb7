// Contracts of the gateway routes: they validate the requests and describe them in /api/docs.
import { gatewayList, issuedGateway, registerGatewayBody, subjectToken } from '#contracts';
import { routesTagged } from '../http/route.js';
import { studioPath } from '../studios/studios.routes.js';

const gatewayRoute = routesTagged('gateways');

export const gatewayRoutes = {
  register: gatewayRoute({
    summary: 'Register a gateway of the studio and issue its NATS credentials',
    description:
      'The answer is the only time the credentials are shown: the API keeps only the public key. ' +
      'They allow publishing on `hrm.v1.samples.<studioId>.<gatewayId>` and ' +
      '`hrm.v1.status.<studioId>.<gatewayId>` only (docs/contracts/gateway.md). ' +
      '409 `urn:hrm:gateway:already-registered` for a gateway id the studio already has; ' +
      '503 `urn:hrm:gateway:not-configured` when the API has no NATS signing keys.',
    access: 'operate',
    scope: 'studio',
    params: studioPath,
    body: registerGatewayBody,
    response: issuedGateway,
    location: '/api/v1/studios/:studioId/gateways/:gatewayId',
    rules: true,
    unavailable: true,
  }),
  list: gatewayRoute({
    summary: "The studio's gateways, with when each was last heard; never their credentials",
    access: 'read',
    scope: 'studio',
    params: studioPath,
    response: gatewayList,
  }),
  revoke: gatewayRoute({
    summary: "Revoke a gateway's credentials and forget it",
    description:
      'Every NATS server closes its connections and refuses its credentials within seconds; ' +
      'the gateway id may then be registered again, with new credentials.',
    access: 'operate',
    scope: 'studio',
    params: { ...studioPath, gatewayId: subjectToken },
    unavailable: true,
  }),
};
