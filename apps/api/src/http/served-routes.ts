// The routes this API serves, as Nest maps them from the controllers' decorators:
// which methods a path takes (for 405 and `Allow`), and the table the OpenAPI
// document is generated from. Discovered once at startup, so no hand list can
// fall behind the router.
import { Inject, Injectable, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { mappedRoutes, type MappedRoute } from '../docs/route-table.js';

interface PathMethods {
  matches: RegExp;
  methods: Set<string>;
}

/** `/api/v1/studios/:studioId` → a RegExp that matches a request path the way Express does. */
export function pathMatcher(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, (char) => `\\${char}`),
    )
    .join('/');
  // Express matches case-insensitively and allows one trailing slash.
  return new RegExp(`^${pattern}/?$`, 'i');
}

/** Every method the paths of `routes` take, and HEAD wherever GET is (Express answers it). */
export function methodsByPath(routes: readonly MappedRoute[]): PathMethods[] {
  const byPath = new Map<string, PathMethods>();
  for (const route of routes) {
    const entry = byPath.get(route.path) ?? { matches: pathMatcher(route.path), methods: new Set<string>() };
    entry.methods.add(route.method.toUpperCase());
    if (route.method === 'get') entry.methods.add('HEAD');
    byPath.set(route.path, entry);
  }
  return [...byPath.values()];
}

/** Read once, the first time it is asked (the controllers are known once the module is built). */
@Injectable()
export class ServedRoutes {
  private discovered: { routes: MappedRoute[]; paths: PathMethods[] } | null = null;

  constructor(@Inject(DiscoveryService) private readonly discovery: DiscoveryService) {}

  private get table(): { routes: MappedRoute[]; paths: PathMethods[] } {
    if (this.discovered === null) {
      const controllers = this.discovery
        .getControllers()
        .map((wrapper) => wrapper.metatype)
        .filter((metatype): metatype is Type => typeof metatype === 'function');
      const routes = mappedRoutes(controllers);
      this.discovered = { routes, paths: methodsByPath(routes) };
    }
    return this.discovered;
  }

  get routes(): readonly MappedRoute[] {
    return this.table.routes;
  }

  /** The methods some route takes at `path` (sorted), or none when no route has this path. */
  methodsAt(path: string): string[] {
    const methods = new Set<string>();
    for (const entry of this.table.paths) {
      if (entry.matches.test(path)) for (const method of entry.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}
