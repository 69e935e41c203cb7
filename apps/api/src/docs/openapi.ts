// The OpenAPI 3.1 document, generated from the routes' contracts: the zod
// schemas that validate each request are the ones described here.
import { z } from 'zod';
import { problem } from '#contracts';
import { ifMatchPattern } from '../http/errors.js';
import { BODY_LIMIT_TEXT } from '../http/json-body.js';
import type { RouteAccess, RouteContract } from '../http/route.js';
import type { MappedRoute } from './route-table.js';

export type JsonSchema = z.core.JSONSchema.JSONSchema;
type Reference = { $ref: string };

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

interface MediaType {
  schema: JsonSchema | Reference;
}

interface Response {
  description: string;
  headers?: Record<string, Reference>;
  content?: Record<string, MediaType>;
}

export interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  'x-access': RouteAccess;
  /** `[]` on a route that needs no token. */
  security?: Record<string, string[]>[];
  parameters: (Parameter | Reference)[];
  requestBody?: { required: true; content: Record<string, MediaType> };
  responses: Record<string, Response | Reference>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
    schemas: Record<string, JsonSchema>;
    responses: Record<string, Response>;
    parameters: Record<string, Parameter>;
    headers: Record<string, { description: string; schema: JsonSchema }>;
  };
}

export interface OpenApiOptions {
  /** `throw` in tests (every schema must be describable); `any` at startup (never fail to serve). */
  unrepresentable: 'throw' | 'any';
}

/**
 * A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect): the input side for
 * what a client sends (before defaults and transforms), the output side for answers.
 */
export function jsonSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  unrepresentable: OpenApiOptions['unrepresentable'] = 'throw',
): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable,
  });
  return rest;
}

const tags = [
  { name: 'studios', description: 'Studios and their settings (max-HR formula, zone model)' },
  { name: 'tokens', description: 'Display, coach and operator tokens of a studio' },
  { name: 'members', description: 'Athletes of a studio' },
  { name: 'devices', description: 'Heart-rate straps paired with athletes' },
  { name: 'gateways', description: "A studio's gateways: their NATS credentials, last seen, revocation" },
  { name: 'sessions', description: 'Classes: schedule, roster, start and end, lists' },
  { name: 'timer', description: "A class's interval timer: program, commands, state" },
  { name: 'history', description: "A class's heart rate, summary, event log and CSV export" },
  { name: 'spotify', description: "The studio's Spotify: sign-in, now playing, playback commands" },
  { name: 'web', description: 'What the web pages the API serves (docs/contracts/web.md) load first' },
  {
    name: 'operations',
    description: 'The platform operator: events the projections parked, and their replay',
  },
];

const accessText: Record<RouteAccess, string> = {
  public: 'No token: the request carries its own proof (see the description).',
  read: 'Any token of the studio (display, coach, operator) or the bootstrap token.',
  write: 'A coach or operator token of the studio, or the bootstrap token; a display token gets 403.',
  operate: 'An operator token of the studio, or the bootstrap token.',
  admin: 'Only the operator bootstrap token (HRM_ADMIN_TOKEN).',
};

const problems = {
  400: [
    'BadRequest',
    'Bad body, query, path id or If-Match, or a query parameter the route does not take; ' +
      '`errors` lists each field (or parameter) at fault',
  ],
  401: ['Unauthorized', 'No valid bearer token'],
  403: ['Forbidden', "The token's role may not do this"],
  404: ['NotFound', 'No such resource, or one of another studio'],
  409: [
    'Conflict',
    "The class's (or its timer's) rules refuse the command (`type` is `urn:hrm:rule:<code>`), " +
      'or the service that owns the state does (`urn:hrm:<owner>:<code>`, e.g. a gateway id already registered)',
  ],
  413: [
    'ContentTooLarge',
    `The body is larger than ${BODY_LIMIT_TEXT}; \`type\` is \`urn:hrm:http:body-too-large\``,
  ],
  415: [
    'UnsupportedMediaType',
    'The body is not sent as JSON (`Content-Type: application/json`, or `application/<x>+json`); ' +
      '`type` is `urn:hrm:http:unsupported-media-type`',
  ],
  412: [
    'PreconditionFailed',
    "If-Match does not match the class's (or, on timer routes, the timer's) version, or it changed meanwhile",
  ],
  503: ['ServiceUnavailable', 'A service this needs is not running or not configured'],
} as const;
type ProblemStatus = keyof typeof problems;

const pathParam = /:([A-Za-z0-9_]+)/g;

/** `/sessions/:sessionId` → `/sessions/{sessionId}`. */
export function openApiPath(path: string): string {
  return path.replace(pathParam, '{$1}');
}

export function pathParams(path: string): string[] {
  return [...path.matchAll(pathParam)].map((match) => match[1] ?? '');
}

function queryParameters(query: z.ZodType, unrepresentable: OpenApiOptions['unrepresentable']): Parameter[] {
  const schema = jsonSchema(query, 'input', unrepresentable);
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: typeof property === 'boolean' ? {} : property,
  }));
}

function errorStatuses(contract: RouteContract): ProblemStatus[] {
  // Every route refuses a query parameter it does not declare: 400 is always possible.
  const statuses: ProblemStatus[] = [400];
  if (contract.access !== 'public') statuses.push(401);
  if (contract.access !== 'read' && contract.access !== 'public') statuses.push(403);
  if (contract.params !== undefined || contract.query !== undefined) statuses.push(404);
  if (contract.rules) statuses.push(409);
  if (contract.ifMatch) statuses.push(412);
  if (contract.body !== undefined) statuses.push(413, 415);
  if (contract.unavailable) statuses.push(503);
  return statuses;
}

function successResponse(route: MappedRoute, contract: RouteContract, options: OpenApiOptions): Response {
  const headers = {
    ...(contract.etag && { ETag: { $ref: '#/components/headers/ETag' } }),
    ...(contract.location !== undefined && { Location: { $ref: '#/components/headers/Location' } }),
  };
  const withHeaders = Object.keys(headers).length > 0 ? { headers } : {};
  const description = route.status === 201 ? 'Created: `Location` is its URL' : 'OK';
  if (contract.response !== undefined) {
    const schema = jsonSchema(contract.response, 'output', options.unrepresentable);
    return { description, ...withHeaders, content: { 'application/json': { schema } } };
  }
  if (contract.produces !== undefined) {
    return {
      description: contract.produces.description,
      content: { [contract.produces.mediaType]: { schema: { type: 'string' } } },
    };
  }
  if (route.status === 302) return { description: 'Found: the `Location` header says where to go' };
  return { description: route.status === 204 ? 'No content' : description, ...withHeaders };
}

function operation(route: MappedRoute, contract: RouteContract, options: OpenApiOptions): Operation {
  const declared = Object.keys(contract.params ?? {}).sort();
  const inPath = pathParams(route.path).sort();
  if (declared.join() !== inPath.join()) {
    throw new Error(`${route.handler}: params [${declared.join()}] do not match ${route.path}`);
  }
  const parameters: (Parameter | Reference)[] = Object.entries(contract.params ?? {}).map(
    ([name, schema]) => ({
      name,
      in: 'path',
      required: true,
      schema: jsonSchema(schema, 'input', options.unrepresentable),
    }),
  );
  if (contract.query !== undefined)
    parameters.push(...queryParameters(contract.query, options.unrepresentable));
  if (contract.ifMatch) parameters.push({ $ref: '#/components/parameters/IfMatch' });
  const responses: Record<string, Response | Reference> = {
    [String(route.status)]: successResponse(route, contract, options),
  };
  for (const status of errorStatuses(contract)) {
    responses[String(status)] = { $ref: `#/components/responses/${problems[status][0]}` };
  }
  const handlerName = route.handler.split('.').pop() ?? route.handler;
  return {
    operationId: `${contract.tag}.${handlerName}`,
    tags: [contract.tag],
    summary: contract.summary,
    description: [contract.description, `Who: ${accessText[contract.access]}`].filter(Boolean).join('\n\n'),
    'x-access': contract.access,
    ...(contract.access === 'public' && { security: [] }),
    parameters,
    ...(contract.body !== undefined && {
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: jsonSchema(contract.body, 'input', options.unrepresentable) },
        },
      },
    }),
    responses,
  };
}

/** Routes under this prefix must declare a contract; the rest (health, metrics, docs) are not REST resources. */
export const documentedPrefix = '/api/v1/';

export function openApiDocument(
  routes: readonly MappedRoute[],
  options: OpenApiOptions = { unrepresentable: 'throw' },
): OpenApiDocument {
  const undeclared = routes.filter((route) => route.path.startsWith(documentedPrefix) && !route.contract);
  if (undeclared.length > 0) {
    const names = undeclared.map((route) => `${route.method.toUpperCase()} ${route.path} (${route.handler})`);
    throw new Error(`routes without a @Route contract: ${names.join(', ')}`);
  }
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    if (route.contract === undefined) continue;
    const described = operation(route, route.contract, options);
    if (operationIds.has(described.operationId)) throw new Error(`two routes are ${described.operationId}`);
    operationIds.add(described.operationId);
    const item = (paths[openApiPath(route.path)] ??= {});
    item[route.method] = described;
  }
  const problemJson = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'HRM platform REST API',
      version: '1',
      description:
        'Operators and coaches: studios, athletes, straps, classes and their history ' +
        '(docs/contracts/rest.md). Generated from the zod schemas that validate each request. ' +
        `Bodies are JSON (\`Content-Type: application/json\`, else 415) of at most ${BODY_LIMIT_TEXT} (else 413). ` +
        'A query parameter a route does not list answers 400. A method a path does not take answers 405 ' +
        "with `Allow`; a 201 carries the new resource's URL in `Location`.",
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags,
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'The bootstrap operator token, or a display, coach or operator token of a studio',
        },
      },
      schemas: { Problem: jsonSchema(problem, 'output', options.unrepresentable) },
      responses: Object.fromEntries(
        Object.values(problems).map(([name, description]) => [name, { description, content: problemJson }]),
      ),
      parameters: {
        IfMatch: {
          name: 'If-Match',
          in: 'header',
          required: false,
          description: 'The version this command expects, as the ETag gave it (`"42"`); 412 when stale',
          schema: { type: 'string', pattern: ifMatchPattern.source },
        },
      },
      headers: {
        ETag: { description: 'The class version (`"42"`), for If-Match', schema: { type: 'string' } },
        Location: {
          description: "The created resource's path, e.g. `/api/v1/studios/st_3kq9Yw1r8bXc2m4n`",
          schema: { type: 'string' },
        },
      },
    },
  };
}
