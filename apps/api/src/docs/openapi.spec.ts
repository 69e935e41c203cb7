// The document covers every route the router serves, and describes each request
// with the very schemas the handlers validate with.
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { z } from 'zod';
import { DeviceStatusStore, EventStore, StudioRegistry } from '#eventstore';
import { Metrics, healthProviders } from '#platform';
import { apiControllers } from '../api.module.js';
import { historyRoutes } from '../history/history.routes.js';
import { routeContractOf, type RouteContract } from '../http/route.js';
import { ServedRoutes, pathMatcher } from '../http/served-routes.js';
import { PlatformHealthProbe } from '../operations/platform-health.js';
import { Projector } from '../projections/projector.js';
import { SessionCommands } from '../sessions/session-commands.js';
import { sessionRoutes } from '../sessions/sessions.routes.js';
import { spotifyRoutes } from '../spotify/spotify.routes.js';
import { deviceRoutes } from '../studios/devices.routes.js';
import { memberRoutes } from '../studios/members.routes.js';
import { studioRoutes } from '../studios/studios.routes.js';
import { TimerCommands } from '../timer/timer-commands.js';
import { timerRoutes } from '../timer/timer.routes.js';
import { DB, NATS, SPOTIFY_WORKER, WEB } from '../injection.js';
import { OpenApi } from './docs.controller.js';
import {
  documentedPrefix,
  jsonSchema,
  openApiDocument,
  openApiPath,
  pathParams,
  type Parameter,
} from './openapi.js';
import { mappedRoutes } from './route-table.js';

/** Each route table with the controllers whose handlers, named like its keys, use it. */
const tables: { routes: Record<string, RouteContract>; controllers: (typeof apiControllers)[number][] }[] = [
  { routes: studioRoutes, controllers: apiControllers.filter((c) => c.name === 'StudiosController') },
  { routes: memberRoutes, controllers: apiControllers.filter((c) => c.name === 'MembersController') },
  { routes: deviceRoutes, controllers: apiControllers.filter((c) => c.name === 'DevicesController') },
  {
    routes: sessionRoutes,
    controllers: apiControllers.filter((c) =>
      ['SessionsController', 'SessionListController'].includes(c.name),
    ),
  },
  { routes: timerRoutes, controllers: apiControllers.filter((c) => c.name === 'TimerController') },
  { routes: historyRoutes, controllers: apiControllers.filter((c) => c.name === 'HistoryController') },
  { routes: spotifyRoutes, controllers: apiControllers.filter((c) => c.name === 'SpotifyController') },
];

const routerStack = z.array(
  z.object({ route: z.object({ path: z.string(), methods: z.record(z.string(), z.boolean()) }).optional() }),
);

/** What Express itself will answer: every (method, path) of its router. */
function servedRoutes(app: NestExpressApplication): string[] {
  const express = app.getHttpAdapter().getInstance();
  return routerStack
    .parse(express.router.stack)
    .flatMap((layer) =>
      layer.route === undefined
        ? []
        : Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route?.path}`),
    );
}

function isParameter(value: unknown): value is Parameter {
  return typeof value === 'object' && value !== null && 'in' in value && 'name' in value;
}

describe('OpenAPI document', () => {
  let app: NestExpressApplication;
  const document = openApiDocument(mappedRoutes(apiControllers), { unrepresentable: 'throw' });

  beforeAll(async () => {
    // The API's controllers with inert dependencies: enough for Nest to map every route.
    @Module({
      imports: [DiscoveryModule],
      controllers: apiControllers,
      providers: [
        { provide: DB, useValue: {} },
        { provide: NATS, useValue: {} },
        { provide: SPOTIFY_WORKER, useValue: {} },
        { provide: WEB, useValue: {} },
        { provide: EventStore, useValue: {} },
        { provide: DeviceStatusStore, useValue: {} },
        { provide: SessionCommands, useValue: {} },
        { provide: TimerCommands, useValue: {} },
        { provide: Projector, useValue: {} },
        { provide: PlatformHealthProbe, useValue: {} },
        { provide: StudioRegistry, useValue: {} },
        ...healthProviders('api', new Metrics(), []),
        ServedRoutes,
        OpenApi,
      ],
    })
    class RoutesOnly {}
    app = await NestFactory.create<NestExpressApplication>(RoutesOnly, {
      logger: false,
      abortOnError: false,
    });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('describes every /api/v1 route the router serves, and nothing it does not', () => {
    const served = servedRoutes(app);
    const documented = Object.entries(document.paths).flatMap(([route, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${route}`),
    );
    const servedV1 = served
      .filter((route) => route.split(' ')[1]?.startsWith(documentedPrefix))
      .map((route) => openApiPath(route));
    expect(servedV1.length).toBeGreaterThan(20);
    expect([...documented].sort()).toEqual([...servedV1].sort());
    expect(served.filter((route) => !route.split(' ')[1]?.startsWith(documentedPrefix)).sort()).toEqual([
      'GET /',
      'GET /api/docs',
      'GET /api/docs/openapi.json',
      // The web pages (docs/contracts/web.md): HTML, not part of the REST document.
      'GET /coach/:id',
      'GET /healthz',
      'GET /metrics',
      'GET /readyz',
      'GET /report/:id',
      'GET /screen/:id',
      'GET /studio/:id',
    ]);
  });

  it('is the document the running app serves', () => {
    expect(app.get(OpenApi).document).toEqual(
      openApiDocument(mappedRoutes(apiControllers), { unrepresentable: 'any' }),
    );
    expect(app.get(OpenApi).document).toEqual(document);
  });

  it('gives every 201 a Location that the route declares, filled from its path or its answer', () => {
    const routes = mappedRoutes(apiControllers);
    const created = routes.filter((route) => route.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(5);
    // Declared exactly where the answer is 201 (the interceptor sets it whenever the handler succeeds).
    expect(routes.filter((route) => route.contract?.location !== undefined)).toEqual(created);
    for (const route of created) {
      const location = route.contract?.location ?? '';
      const answer = route.contract?.response;
      const fields = answer instanceof z.ZodObject ? Object.keys(answer.shape) : [];
      for (const name of pathParams(location)) {
        expect({
          location,
          name,
          known: name in (route.contract?.params ?? {}) || fields.includes(name),
        }).toEqual({ location, name, known: true });
      }
      // The URL is one the router serves (some method of it).
      const example = location.replace(/:(\w+)/g, 'x_1');
      expect({ location, served: routes.some((served) => pathMatcher(served.path).test(example)) }).toEqual({
        location,
        served: true,
      });
      const documented = document.paths[openApiPath(route.path)]?.[route.method]?.responses['201'];
      expect(documented).toHaveProperty('headers.Location', { $ref: '#/components/headers/Location' });
    }
  });

  it('knows which methods a path takes, for 405 and Allow', () => {
    const served = app.get(ServedRoutes);
    expect(served.methodsAt('/api/v1/studios/st_1')).toEqual(['GET', 'HEAD', 'PATCH']);
    expect(served.methodsAt('/api/v1/studios')).toEqual(['POST']);
    expect(served.methodsAt('/api/v1/sessions/s_1/export.csv')).toEqual(['GET', 'HEAD']);
    expect(served.methodsAt('/api/v1/sessions/s_1/exportXcsv')).toEqual([]);
    expect(served.methodsAt('/api/v1/nothing-here')).toEqual([]);
  });

  it('refuses a /api/v1 route without a contract', () => {
    @Controller('api/v1/undeclared')
    class Undeclared {
      @Get()
      read(): string {
        return 'no contract';
      }
    }
    expect(() => openApiDocument(mappedRoutes([Undeclared]))).toThrow(/GET \/api\/v1\/undeclared/);
  });

  it("lists each path's :params as required path parameters, and only those", () => {
    for (const [route, item] of Object.entries(document.paths)) {
      for (const operation of Object.values(item)) {
        const inPath = operation.parameters
          .filter(isParameter)
          .filter((parameter) => parameter.in === 'path');
        expect(inPath.map((parameter) => parameter.name).sort()).toEqual(
          pathParams(route.replace(/\{(\w+)\}/g, ':$1')).sort(),
        );
        expect(inPath.every((parameter) => parameter.required)).toBe(true);
      }
    }
  });

  it('has the shape of OpenAPI 3.1: security, problem answers, unique operation ids, tags', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: '/' }]);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const tagNames = new Set(document.tags.map((tag) => tag.name));
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    expect(new Set(operations.map((operation) => operation.operationId)).size).toBe(operations.length);
    for (const operation of operations) {
      expect(operation.tags.every((tag) => tagNames.has(tag))).toBe(true);
      // A public route (Spotify's redirect back) authenticates with its own proof, not a token.
      if (operation['x-access'] === 'public') {
        expect(operation.security).toEqual([]);
        expect(operation.responses['401']).toBeUndefined();
      } else {
        expect(operation.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
      }
      for (const response of Object.values(operation.responses)) {
        if ('$ref' in response) {
          const name = response.$ref.replace('#/components/responses/', '');
          expect(document.components.responses[name]?.content).toHaveProperty(['application/problem+json']);
        }
      }
    }
    const end = document.paths['/api/v1/sessions/{sessionId}/end']?.post;
    expect(end?.parameters).toContainEqual({ $ref: '#/components/parameters/IfMatch' });
    expect(Object.keys(end?.responses ?? {})).toEqual(expect.arrayContaining(['200', '409', '412']));
    expect(document.paths['/api/v1/sessions/{sessionId}']?.get?.responses['200']).toHaveProperty(
      'headers.ETag',
    );
  });

  it('describes each request with the schemas its handler validates with', () => {
    for (const { routes, controllers } of tables) {
      for (const [name, contract] of Object.entries(routes)) {
        // The handler named like the table's key carries exactly this declaration...
        const handlers = controllers.map((controller) =>
          routeContractOf(Reflect.get(controller.prototype, name)),
        );
        expect(handlers.filter((found) => found === contract)).toHaveLength(1);
        // ...and the document shows exactly its schemas.
        const operation = Object.values(document.paths)
          .flatMap((item) => Object.values(item))
          .find((candidate) => candidate.operationId === `${contract.tag}.${name}`);
        expect(operation).toBeDefined();
        const body = operation?.requestBody?.content['application/json']?.schema;
        expect(body).toEqual(contract.body && jsonSchema(contract.body, 'input'));
        const parameters = operation?.parameters.filter(isParameter) ?? [];
        for (const [param, schema] of Object.entries(contract.params ?? {})) {
          expect(parameters.find((p) => p.in === 'path' && p.name === param)?.schema).toEqual(
            jsonSchema(schema, 'input'),
          );
        }
        const query = contract.query ? jsonSchema(contract.query, 'input') : { properties: {} };
        const queryParameters = parameters.filter((p) => p.in === 'query');
        expect(Object.fromEntries(queryParameters.map((p) => [p.name, p.schema]))).toEqual(query.properties);
      }
    }
  });

  it('leaves the handlers no way to validate but through their declaration', () => {
    // Controllers take their input parsed by their declaration (@Input()): never a schema of their own.
    const root = path.resolve(import.meta.dirname, '..');
    const controllers = fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.controller.ts'));
    expect(controllers.length).toBeGreaterThanOrEqual(6);
    for (const file of controllers) {
      const source = fs.readFileSync(path.join(root, file), 'utf8');
      expect({ file, parsesDirectly: /\bparseInput\(|\.safeParse\(/.test(source) }).toEqual({
        file,
        parsesDirectly: false,
      });
    }
  });
});
