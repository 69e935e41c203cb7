// Every error as application/problem+json (RFC 9457), mapped in one place:
// bad input 400 with field errors, rule broken 409, stale If-Match 412.
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
import { SessionRuleError, TimerRuleError } from '#domain';
import { LOGGER } from '../tokens.js';
import { BadInputError, OwnerRefusedError, PreconditionFailedError } from './errors.js';

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

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception);
    if (problem.status >= 500) this.logger.error('request failed', { path: request.path, error: exception });
    response
      .status(problem.status)
      .type('application/problem+json')
      .json({ ...problem, instance: request.path });
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
    return {
      type: 'about:blank',
      title: titles[500] ?? '',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: 'internal error',
    };
  }
}
