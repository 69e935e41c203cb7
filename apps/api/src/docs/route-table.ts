// The app's routes as Nest maps them (the same path, method and status
// metadata the router reads), each with the contract `@Route` attached.
import { RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner } from '@nestjs/core';
import { routeContractOf, type RouteContract } from '../http/route.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface MappedRoute {
  method: HttpMethod;
  /** As Express matches it: `/api/v1/studios/:studioId`. */
  path: string;
  /** The success status (`@HttpCode`, else Nest's default: 201 for POST, 200 otherwise). */
  status: number;
  /** `StudiosController.create`, for messages. */
  handler: string;
  contract: RouteContract | undefined;
}

const methods: ReadonlyMap<RequestMethod, HttpMethod> = new Map([
  [RequestMethod.GET, 'get'],
  [RequestMethod.POST, 'post'],
  [RequestMethod.PUT, 'put'],
  [RequestMethod.PATCH, 'patch'],
  [RequestMethod.DELETE, 'delete'],
]);

function paths(metadata: unknown): string[] {
  if (typeof metadata === 'string') return [metadata];
  if (Array.isArray(metadata)) return metadata.filter((path) => typeof path === 'string');
  return ['/'];
}

function joinPath(...segments: string[]): string {
  const joined = `/${segments.join('/')}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

export function mappedRoutes(controllers: readonly Type[]): MappedRoute[] {
  const scanner = new MetadataScanner();
  const routes: MappedRoute[] = [];
  for (const controller of controllers) {
    const prototype: object = controller.prototype;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler: unknown = Reflect.get(prototype, name);
      if (typeof handler !== 'function') continue;
      const requestMethod: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
      const method = methods.get(typeof requestMethod === 'number' ? requestMethod : -1);
      if (method === undefined || !Reflect.hasMetadata(PATH_METADATA, handler)) continue;
      const code: unknown = Reflect.getMetadata(HTTP_CODE_METADATA, handler);
      const status = typeof code === 'number' ? code : method === 'post' ? 201 : 200;
      for (const base of paths(Reflect.getMetadata(PATH_METADATA, controller))) {
        for (const path of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
          routes.push({
            method,
            path: joinPath(base, path),
            status,
            handler: `${controller.name}.${name}`,
            contract: routeContractOf(handler),
          });
        }
      }
    }
  }
  return routes;
}
