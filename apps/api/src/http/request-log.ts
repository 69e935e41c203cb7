// One log line and one count per REST request: method, route template, path,
// status and time taken. Never the query string (Spotify's callback carries a
// code and a state there) nor a header (the bearer token). Probes (health,
// metrics) log at debug, so a scraper does not fill `npm start`'s output.
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Logger } from '#config';
import type { Metrics } from '#platform';

/** What a request no route took is counted under (bounded labels, whatever paths are tried). */
export const UNMATCHED_ROUTE = '(unmatched)';

const probePaths = new Set(['/healthz', '/readyz', '/metrics']);
const matchedRoute = z.object({ path: z.string() });

/** The route template Express matched (`/api/v1/studios/:studioId`), or `(unmatched)`. */
export function routeTemplate(request: Request): string {
  const route = matchedRoute.safeParse(request.route);
  return route.success ? route.data.path : UNMATCHED_ROUTE;
}

export function requestLog(logger: Logger, metrics: Metrics) {
  const requests = metrics.counter(
    'hrm_http_requests_total',
    'REST requests answered, by method, route template and status',
  );
  const duration = metrics.histogram(
    'hrm_http_request_duration_seconds',
    'Time from a request to its answer, by method and route template',
  );
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(request);
      const { method } = request;
      const status = response.statusCode;
      requests({ method, route, status: String(status) });
      duration(seconds, { method, route });
      const fields = { method, route, path: request.path, status, ms: Math.round(seconds * 10_000) / 10 };
      if (probePaths.has(request.path)) logger.debug('request', fields);
      else logger.info('request', fields);
    });
    next();
  };
}
