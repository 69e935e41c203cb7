// Contracts of the platform operator's routes over parked events: they validate the requests and describe them in /api/docs.
import {
  projectionFailure,
  projectionFailureId,
  projectionFailureList,
  projectionFailuresQuery,
} from '#contracts';
import { routesTagged } from '../http/route.js';

const operationsRoute = routesTagged('operations');

export const projectionFailureRoutes = {
  list: operationsRoute({
    summary: 'Events the projections parked because they could not apply them, newest first',
    description:
      "A parked event was skipped so the events after it went on (each studio's history, class lists). " +
      'Pass `next` as `before` for the next page.',
    access: 'admin',
    query: projectionFailuresQuery,
    response: projectionFailureList,
  }),
  replay: operationsRoute({
    summary: 'Apply a parked event again, after a fix',
    description:
      'Reads the event again from the log by its sequence and applies it through the same projection; ' +
      'on success the failure is kept with `resolvedAt`. Still refused: 409 ' +
      '`urn:hrm:projection:still-failing` with the error, and it stays parked.',
    access: 'admin',
    params: { failureId: projectionFailureId },
    response: projectionFailure,
    rules: true,
  }),
};
