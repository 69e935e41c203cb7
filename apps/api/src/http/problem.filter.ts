// Every error as application/problem+json (RFC 9457), mapped in one place:
// bad input 400 with field errors, a wrong method 405 with Allow, a body too
// large 413 or not JSON 415, rule broken 409, stale If-Match 412, the database
// unreachable 503 with Retry-After (it passes by itself).
import {
  Catch,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Problem } from '#contracts';
import type { Logger } from '#config';
import { describeDbError } from '#db';
import { isNatsOutage } from '#eventstore';
import { RuleError } from '#domain';
import { LOGGER } from '../injection.js';
import {
  BadInputError,
  OwnerRefusedError,
  PreconditionFailedError,
  UnsupportedMediaTypeError,
} from './errors.js';
import { BODY_LIMIT_TEXT } from './json-body.js';
import { UNMATCHED_ROUTE, routeTemplate } from './request-log.js';
import { ServedRoutes } from './served-routes.js';

/** Seconds a client should wait before asking again while the database or the log is unreachable. */
export const OUTAGE_RETRY_AFTER_S = 5;

const databaseUnavailable: Problem = {
  type: 'urn:hrm:database:unavailable',
  title: 'Service Unavailable',
  status: HttpStatus.SERVICE_UNAVAILABLE,
  detail: `the database is not reachable right now; retry in ${OUTAGE_RETRY_AFTER_S} s`,
};

const logUnavailable: Problem = {
  type: 'urn:hrm:log:unavailable',
  title: 'Service Unavailable',
  status: HttpStatus.SERVICE_UNAVAILABLE,
  detail: `the event log (NATS) is not reachable right now; retry in ${OUTAGE_RETRY_AFTER_S} s`,
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function methodNotAllowed(request: Request, allowed: string[]): Problem {
  return {
    type: 'urn:hrm:http:method-not-allowed',
    title: titles[405] ?? '',
    status: 405,
    detail: `${request.method} is not allowed on ${request.path}; it takes ${allowed.join(', ')}`,
  };
}

function unsupportedMediaType(detail: string): Problem {
  return { type: 'urn:hrm:http:unsupported-media-type', title: titles[415] ?? '', status: 415, detail };
}

/** One warning line per this many ms of an outage, not one per request. */
const OUTAGE_WARNING_INTERVAL_MS = 10_000;

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private lastOutageWarning = 0;
  private outageAnswers = 0;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ServedRoutes) private readonly served: ServedRoutes,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const allowed = this.methodsElsewhere(exception, request);
    const problem = allowed.length > 0 ? methodNotAllowed(request, allowed) : this.toProblem(exception);
    if (allowed.length > 0) response.setHeader('Allow', allowed.join(', '));
    if (problem === databaseUnavailable || problem === logUnavailable) {
      this.warnOfOutage(problem === databaseUnavailable ? 'database' : 'event log', request.path, exception);
      response.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_S));
    } else if (problem.status >= 500) {
      this.logger.error('request failed', { path: request.path, error: exception });
    }
    response
      .status(problem.status)
      .type('application/problem+json')
      .json({ ...problem, instance: request.path });
  }

  /** No route took the request, but some route has its path: the methods that path takes. */
  private methodsElsewhere(exception: unknown, request: Request): string[] {
    if (!(exception instanceof NotFoundException) || routeTemplate(request) !== UNMATCHED_ROUTE) return [];
    return this.served.methodsAt(request.path);
  }

  private warnOfOutage(what: string, path: string, exception: unknown): void {
    this.outageAnswers += 1;
    const now = Date.now();
    if (now - this.lastOutageWarning < OUTAGE_WARNING_INTERVAL_MS) return;
    const { code, message } = describeDbError(exception);
    this.logger.warn(`${what} unreachable: answering 503`, {
      path,
      code,
      reason: message,
      answered: this.outageAnswers,
    });
    this.lastOutageWarning = now;
    this.outageAnswers = 0;
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof BadInputError) {
      return {
        type: 'about:blank',
        title: titles[400] ?? '',
        status: 400,
        detail: exception.message,
        errors: exception.fieldErrors,
      };
    }
    if (exception instanceof RuleError) {
      return {
        type: `urn:hrm:rule:${exception.code}`,
        title: titles[409] ?? '',
        status: 409,
        detail: exception.message,
      };
    }
    if (exception instanceof OwnerRefusedError) {
      return {
        type: `urn:hrm:${exception.owner}:${exception.code}`,
        title: titles[exception.status] ?? 'Error',
        status: exception.status,
        detail: exception.message,
      };
    }
    if (exception instanceof UnsupportedMediaTypeError) return unsupportedMediaType(exception.message);
    if (exception instanceof PreconditionFailedError) {
      return { type: 'about:blank', title: titles[412] ?? '', status: 412, detail: exception.message };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // From the body parser: past the limit, or JSON in a charset it cannot read.
      if (status === 413) {
        return {
          type: 'urn:hrm:http:body-too-large',
          title: titles[413] ?? '',
          status,
          detail: `the body is larger than ${BODY_LIMIT_TEXT}, the most this API reads`,
        };
      }
      if (status === 415) return unsupportedMediaType(exception.message);
      const response = exception.getResponse();
      const detail = typeof response === 'string' ? response : exception.message;
      return { type: 'about:blank', title: titles[status] ?? 'Error', status, detail };
    }
    // Anything else: the database out of reach passes by itself (503), the rest is ours (500).
    if (describeDbError(exception).transient) return databaseUnavailable;
    if (isNatsOutage(exception)) return logUnavailable;
    return {
      type: 'about:blank',
      title: titles[500] ?? '',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: 'internal error',
    };
  }
}
