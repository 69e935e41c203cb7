// Contract of the platform operator's health route: it describes the answer in /api/docs.
import { platformHealth } from '#contracts';
import { routesTagged } from '../http/route.js';

const operationsRoute = routesTagged('operations');

export const healthRoutes = {
  health: operationsRoute({
    summary: 'The whole platform at a glance: services, NATS, Postgres, projections',
    description:
      'Every instance of every service (from the announcements they write to NATS every 5 s, with their own ' +
      '`/healthz` answer; `silent` after 15 s without one), the streams (messages, bytes) and durable ' +
      "consumers (pending, ack-pending) of JetStream, a round trip to Postgres, and each projection's " +
      'checkpoint against its stream (events behind, parked failures). `status` is `down` when the API ' +
      'cannot reach NATS or Postgres, `degraded` when a service has no ready instance, an instance is not ' +
      'ready or silent, or a projection parked events; `problems` says what, one line each. Answers 200 ' +
      'whatever the status: `npm run status` prints it as a table.',
    access: 'admin',
    response: platformHealth,
  }),
};
