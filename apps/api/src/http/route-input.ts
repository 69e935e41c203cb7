// What a route's declaration (`@Route`, route.ts) checks and parses before its
// handler runs, so that handlers start from their input: the caller's scope
// (the studio of the path or the query, or the class or athlete of the path and its studio)
// checked with `access`, then each path parameter, the query and the body parsed by
// their schemas. The handler takes it all with `@Input()`.
import { NotFoundException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { z } from 'zod';
import type { Db, Session } from '#db';
import { may, type Principal } from '#platform';
import { principalOf } from '../auth/auth.guard.js';
import { authorize, requireAdmin } from '../auth/principal.js';
import { BadInputError, parseInput } from './errors.js';
import { paramWords, type RouteContract, type RouteSpec } from './route.js';

type Output<T> = T extends z.ZodType ? z.output<T> : undefined;

/** A handler's input, typed by its route's declaration. */
export interface RouteInput<S extends RouteSpec> {
  /** The verified caller; absent on a `public` route. */
  caller: S['access'] extends 'public' ? undefined : Principal;
  params: { [K in keyof S['params']]: Output<NonNullable<S['params']>[K]> };
  query: Output<S['query']>;
  body: Output<S['body']>;
  /** The class the path names, found and in the caller's scope (`scope: 'session'`). */
  session: S['scope'] extends 'session' ? Session : undefined;
  /** The athlete the path names, found and in the caller's scope (`scope: 'member'`). */
  member: S['scope'] extends 'member' ? ScopeMember : undefined;
}

type ScopeMember = { id: string; studioId: string };

interface Parsed {
  caller: Principal | undefined;
  params: Record<string, unknown>;
  query: unknown;
  body: unknown;
  session: Session | undefined;
  member: ScopeMember | undefined;
}

const inputs = new WeakMap<Request, Parsed>();

/** Whether the declaration drives this route's checks (else its handler does them itself). */
export function declaresInput(contract: RouteContract): boolean {
  return contract.scope !== undefined || contract.access === 'admin' || contract.access === 'public';
}

/**
 * In the order every converted handler followed: the scope's parameter, the
 * access check (another studio's answers 404, as if it did not exist), the
 * other path parameters in declaration order, the query, the body. A route
 * that declares `queryFirst` or `scopeIn: 'query'` has its query parsed before the scope, one
 * that declares `paramsFirst` its path parameters.
 */
export async function parseRoute(contract: RouteContract, request: Request, db: Db): Promise<void> {
  const caller = contract.access === 'public' ? undefined : principalOf(request);
  const params: Record<string, unknown> = {};
  const param = (name: string) => {
    const schema = contract.params?.[name];
    if (schema === undefined) throw new Error(`route ${request.path}: no schema for :${name}`);
    params[name] = parseInput(schema, request.params[name], paramWords(name));
    return params[name];
  };
  /** The id the scope is named by: an entity id, so a string once parsed. */
  const idParam = (name: string): string => {
    const value = name in params ? params[name] : param(name);
    if (typeof value !== 'string') throw new Error(`route ${request.path}: :${name} is not a string`);
    return value;
  };
  const parseQuery = () =>
    contract.query === undefined ? undefined : parseInput(contract.query, request.query, 'query');
  const queryFirst = contract.queryFirst === true || contract.scopeIn === 'query';
  const firstQuery = queryFirst ? parseQuery() : undefined;
  if (contract.paramsFirst === true) for (const name of Object.keys(contract.params ?? {})) param(name);
  let session: Session | undefined;
  let member: ScopeMember | undefined;
  if (caller === undefined) {
    // A public route authenticates its caller otherwise (route.ts): nothing to check here.
  } else if (contract.access === 'admin') requireAdmin(caller);
  else if (contract.scope === 'studio') {
    const studioId =
      contract.scopeIn === 'query' ? studioOfQuery(contract, caller, firstQuery) : idParam('studioId');
    if (studioId !== undefined) authorize(caller, studioId, readOrMore(contract), 'studio');
  } else if (contract.scope === 'session') {
    session = (await db.session.findUnique({ where: { id: idParam('sessionId') } })) ?? undefined;
    if (session === undefined) throw new NotFoundException('session not found');
    authorize(caller, session.studioId, readOrMore(contract), 'session');
  } else if (contract.scope === 'member') {
    const where = { id: idParam('memberId') };
    member = (await db.member.findUnique({ where, select: { id: true, studioId: true } })) ?? undefined;
    if (member === undefined) throw new NotFoundException('member not found');
    authorize(caller, member.studioId, readOrMore(contract), 'member');
  }
  for (const name of Object.keys(contract.params ?? {})) if (!(name in params)) param(name);
  const query = queryFirst ? firstQuery : parseQuery();
  const body = contract.body === undefined ? undefined : parseInput(contract.body, request.body);
  inputs.set(request, { caller, params, query, body, session, member });
}

/**
 * The studio the parsed query names (`scopeIn: 'query'`): a studio token must name one, the
 * bootstrap operator may name none (undefined: every studio).
 */
function studioOfQuery(contract: RouteContract, caller: Principal, query: unknown): string | undefined {
  if (contract.query?.shape.studioId === undefined) {
    throw new Error(`a route with scopeIn: 'query' declares no studioId in its query`);
  }
  const studioId =
    typeof query === 'object' && query !== null && 'studioId' in query ? query.studioId : undefined;
  if (typeof studioId === 'string') return studioId;
  if (studioId !== undefined) throw new Error('the query schema parses studioId to a non-string');
  if (may(caller, 'admin').ok) return undefined;
  throw new BadInputError('invalid query', [{ path: 'studioId', message: 'required for a studio token' }]);
}

function readOrMore(contract: RouteContract): 'read' | 'write' | 'operate' {
  const { access } = contract;
  if (access === 'read' || access === 'write' || access === 'operate') return access;
  throw new Error(`a ${access} route has no studio scope`);
}

/** The input `parseRoute` checked and parsed; type it with `RouteInput<typeof routes.x>`. */
export const Input = createParamDecorator((_data: unknown, context: ExecutionContext): Parsed => {
  const input = inputs.get(context.switchToHttp().getRequest<Request>());
  if (input === undefined) throw new Error('@Input() on a route whose declaration has no scope');
  return input;
});
