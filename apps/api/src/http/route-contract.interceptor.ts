// What every route's declaration (`@Route`, route.ts) asks of a request before
// its handler runs, and of the answer after: no query parameter it does not
// declare, a body in JSON, the caller's scope and the parsed input where the
// declaration drives them (route-input.ts), and the created resource's `Location` on a 201.
import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, switchMap, tap, type Observable } from 'rxjs';
import { z } from 'zod';
import type { Db } from '#db';
import { DB } from '../injection.js';
import { BadInputError, UnsupportedMediaTypeError } from './errors.js';
import { hasBody, isJsonMediaType } from './json-body.js';
import { declaresInput, parseRoute } from './route-input.js';
import { routeContractOf, type RouteContract } from './route.js';

const answerFields = z.record(z.string(), z.unknown());

/** 400 naming every query parameter the route does not declare. */
export function refuseUnknownQuery(contract: RouteContract, query: object): void {
  const known = new Set(Object.keys(contract.query?.shape ?? {}));
  const unknown = Object.keys(query).filter((name) => !known.has(name));
  if (unknown.length === 0) return;
  const takes = known.size > 0 ? `this route takes ${[...known].join(', ')}` : 'this route takes none';
  throw new BadInputError(
    `unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (${takes})`,
    unknown.map((name) => ({ path: name, message: 'unknown query parameter' })),
  );
}

/** 415 for a body that is not JSON, on a route that takes one. */
export function requireJsonBody(request: Request): void {
  if (!hasBody(request)) return;
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && isJsonMediaType(contentType)) return;
  throw new UnsupportedMediaTypeError(
    `the body must be JSON: send it with Content-Type: application/json (got ${contentType ?? 'no Content-Type'})`,
  );
}

/** `/api/v1/studios/:studioId/tokens/:id` with the request's path parameters, then the answer's fields. */
export function locationOf(
  template: string,
  params: Readonly<Record<string, string | string[]>>,
  answer: unknown,
): string {
  const fields = answerFields.safeParse(answer);
  return template.replace(/:([A-Za-z0-9_]+)/g, (_whole, name: string) => {
    const value = params[name] ?? (fields.success ? fields.data[name] : undefined);
    if (typeof value !== 'string' || value === '') {
      throw new Error(`Location ${template}: neither the path nor the answer has ${name}`);
    }
    return encodeURIComponent(value);
  });
}

@Injectable()
export class RouteContractInterceptor implements NestInterceptor {
  constructor(@Inject(DB) private readonly db: Db) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const contract = routeContractOf(context.getHandler());
    if (context.getType() !== 'http' || contract === undefined) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    refuseUnknownQuery(contract, request.query);
    if (contract.body !== undefined) requireJsonBody(request);
    const handled = declaresInput(contract)
      ? from(parseRoute(contract, request, this.db)).pipe(switchMap(() => next.handle()))
      : next.handle();
    const { location } = contract;
    if (location === undefined) return handled;
    // A route with a location answers 201 on success (the OpenAPI spec checks it).
    const response = http.getResponse<Response>();
    return handled.pipe(
      tap((answer) => response.setHeader('Location', locationOf(location, request.params, answer))),
    );
  }
}
