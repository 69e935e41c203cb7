// Contracts of a class's history routes: they validate the requests and describe them in /api/docs.
import {
  heartRateQuery,
  heartRateSeries,
  sampleCsvColumns,
  sessionEventsPage,
  sessionEventsQuery,
  sessionSummary,
} from '#contracts';
import { routesTagged } from '../http/route.js';
import { sessionPath } from '../sessions/session-scope.js';

const historyRoute = routesTagged('history');
/** Every history route reads one class. Those with a query parse it first: a bad one is a 400 even for a class not found. */
const classRead = { access: 'read', scope: 'session', params: sessionPath } as const;

export const historyRoutes = {
  heartRate: historyRoute({
    summary: "The class's heart rate per athlete, raw or in 1 s to 60 s buckets",
    ...classRead,
    queryFirst: true,
    query: heartRateQuery,
    response: heartRateSeries,
  }),
  summary: historyRoute({
    summary: 'Per athlete: average and max bpm, peak %max, minutes in each zone, kcal, points',
    ...classRead,
    response: sessionSummary,
  }),
  events: historyRoute({
    summary: "The class's event log, oldest first, for replay",
    description: 'Pass `next` as `after` for the next page.',
    ...classRead,
    queryFirst: true,
    query: sessionEventsQuery,
    response: sessionEventsPage,
  }),
  exportCsv: historyRoute({
    summary: 'Every stored sample of the class as CSV',
    ...classRead,
    produces: {
      mediaType: 'text/csv',
      description: `RFC 4180, CRLF, a header line (${sampleCsvColumns.join(',')}), one line per sample`,
    },
  }),
};
