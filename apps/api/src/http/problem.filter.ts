// Every error as application/problem+json (RFC 9457), mapped in one place:
// bad input 400 with field errors, rule broken 409, stale If-Match 412, the
// database unreachable 503 with Retry-After (it passes by itself).
import {
  Catch,
  HttpException,
  HttpStatus,
  Inject,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Problem } from '#contracts';
import type { Logger } from '#config';
import { describeDbError } from '#db';
import { isNatsOutage } from '#eventstore';
import { SessionRuleError, TimerRuleError } from '#domain';
import { LOGGER } from '../tokens.js';
import { BadInputError, OwnerRefusedError, PreconditionFailedError } from './errors.js';

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

/** One warning line per this many ms of an outage, not one per request. */
const OUTAGE_WARNING_INTERVAL_MS = 10_000;

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private lastOutageWarning = 0;
  private outageAnswers = 0;

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception);
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
    if (exception instanceof SessionRuleError || exception instanceof TimerRuleError) {
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
    if (exception instanceof PreconditionFailedError) {
      return { type: 'about:blank', title: titles[412] ?? '', status: 412, detail: exception.message };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
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
