// One declaration per route: the zod schemas that validate its input are the
// ones the OpenAPI document is generated from (apps/api/src/docs).
import type { z } from 'zod';
import type { Access } from '#platform';

/**
 * Who may call a route (`may`, libs/platform/src/access.ts): read is any token of the studio.
 * `public` needs no token: the route authenticates its caller otherwise (Spotify's
 * redirect back carries a single-use `state` instead of a bearer token).
 */
export type RouteAccess = 'public' | Access;

export interface RouteSpec {
  summary: string;
  description?: string;
  access: RouteAccess;
  /**
   * Whose resource the path names (a `public` route has none; its input is parsed all the same): `studio` (`:studioId`), `session` (`:sessionId`, a class and
   * so its studio) or `member` (`:memberId`, an athlete and so its studio). With a scope, or with `admin` access, the declaration checks `access`
   * and parses the path, the query and the body before the handler runs (route-input.ts); the
   * handler takes them with `@Input()`.
   */
  scope?: 'studio' | 'session' | 'member';
  /**
   * Where `scope: 'studio'` finds its studio: the path's `:studioId` (the default), or the query's
   * `studioId`, which the bootstrap operator may leave out (every studio) and a studio token must
   * name (400 otherwise). The query holds the scope, so it is parsed first.
   */
  scopeIn?: 'path' | 'query';
  /**
   * Parses the query before the scope is looked up: a bad query answers 400 even where the scope
   * would answer 404 (a class's history reads kept this order when they were written by hand).
   */
  queryFirst?: boolean;
  /**
   * Parses every path parameter before the scope is checked: a bad parameter answers 400 even
   * where the scope would answer 404 (a playback command kept this order when written by hand).
   */
  paramsFirst?: boolean;
  /** One schema per `:param` of the path. */
  params?: Readonly<Record<string, z.ZodType>>;
  /**
   * An object schema: each property is a query parameter. Any other parameter is refused (400)
   * before the handler runs, and so is every parameter of a route without `query`.
   */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The JSON answer on success; absent when the answer has no body (204) or is `produces`. */
  response?: z.ZodType;
  /**
   * The created resource's path, for the `Location` of a 201: each `:name` is the request's path
   * parameter of that name, else the answer's field (`/api/v1/studios/:studioId/tokens/:id`).
   */
  location?: string;
  /** A success answer that is not JSON. */
  produces?: { mediaType: string; description: string };
  /** Answers `ETag: "<version>"`. */
  etag?: boolean;
  /** Takes `If-Match` (412 when stale). */
  ifMatch?: boolean;
  /** The class's rules (or the owner of the state) may refuse it (409). */
  rules?: boolean;
  /** Depends on another service that may be down or unconfigured (503). */
  unavailable?: boolean;
}

export type RouteContract = RouteSpec & { readonly tag: string };

const contracts = new WeakMap<object, RouteContract>();

/** The route declarer of one area (an OpenAPI tag); each route keeps its schemas' own types. */
export function routesTagged(tag: string) {
  return <const S extends RouteSpec>(spec: S): S & { readonly tag: string } => ({ ...spec, tag });
}

/** Attaches a route's contract to its handler, where the docs generator finds it. */
export function Route(contract: RouteContract): MethodDecorator {
  return (_target, _key, descriptor) => {
    if (typeof descriptor.value === 'function') contracts.set(descriptor.value, contract);
  };
}

/** The contract `@Route` attached to a handler, if any. */
export function routeContractOf(handler: unknown): RouteContract | undefined {
  return typeof handler === 'function' ? contracts.get(handler) : undefined;
}

/** `studioId` → `studio id`: the words the 400 detail uses (`invalid studio id`). */
export function paramWords(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
}
