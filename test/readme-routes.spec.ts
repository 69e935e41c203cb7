// The README's route tables (contract 3) list exactly the routes the API's router
// serves, each with who may call it and the query parameters it takes: a route
// added, removed or re-permissioned without the README fails here.
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { apiControllers } from '../apps/api/src/api.module.js';
import { mappedRoutes, type MappedRoute } from '../apps/api/src/docs/route-table.js';
import type { RouteAccess } from '../apps/api/src/http/route.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The README's words for each access level; routes without a contract (docs, health) need no token. */
const whoText: Record<RouteAccess | 'none', string> = {
  public: 'no token',
  read: 'any token of the studio',
  write: 'coach, operator',
  operate: 'operator',
  admin: 'bootstrap only',
  none: 'no token',
};

interface ListedRoute {
  /** `GET /api/v1/studios/:studioId`: the base of its table joined to its path. */
  route: string;
  /** The names after `?` in the README, in order. */
  query: string[];
  who: string;
}

const tableMarker = /<!-- route table under (\/\S*?):? /g;
const routeCell = /^`(GET|POST|PUT|PATCH|DELETE) (\/[^`?\s]*)(?:\?([^`\s]*))?`$/;

/** The rows of every table that follows a `<!-- route table under BASE ... -->` marker. */
function listedRoutes(markdown: string): ListedRoute[] {
  const lines = markdown.split('\n');
  const listed: ListedRoute[] = [];
  for (const marker of markdown.matchAll(tableMarker)) {
    const base = (marker[1] ?? '/').replace(/\/$/, '');
    const markerLine = markdown.slice(0, marker.index).split('\n').length - 1;
    let index = markerLine + 1;
    while (lines[index]?.trim() === '') index++;
    // Header and separator, then the rows up to the first line that is not a table row.
    for (index += 2; lines[index]?.startsWith('|') === true; index++) {
      const cells = (lines[index] ?? '')
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const match = routeCell.exec(cells[1] ?? '');
      if (match === null) throw new Error(`README line ${index + 1}: no \`METHOD /path\` in "${cells[1]}"`);
      listed.push({
        route: `${match[1]} ${base}${match[2]}`,
        query: match[3] === undefined ? [] : match[3].split('&'),
        who: cells[2] ?? '',
      });
    }
  }
  return listed;
}

function served(route: MappedRoute): ListedRoute {
  const query = route.contract?.query;
  return {
    route: `${route.method.toUpperCase()} ${route.path}`,
    query: query instanceof z.ZodObject ? Object.keys(query.shape) : [],
    who: whoText[route.contract?.access ?? 'none'],
  };
}

const byRoute = (a: ListedRoute, b: ListedRoute) => a.route.localeCompare(b.route);

describe("the README's route list", () => {
  const routes = mappedRoutes(apiControllers).map(served).sort(byRoute);
  const listed = listedRoutes(readme);

  it('lists each route once', () => {
    const names = listed.map((entry) => entry.route);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it('lists every route the router serves and no other', () => {
    const listedNames = new Set(listed.map((entry) => entry.route));
    const servedNames = new Set(routes.map((entry) => entry.route));
    expect({
      missingFromReadme: [...servedNames].filter((name) => !listedNames.has(name)),
      notServed: [...listedNames].filter((name) => !servedNames.has(name)),
    }).toEqual({ missingFromReadme: [], notServed: [] });
  });

  it("says who may call each route and names its query parameters, as the route's contract does", () => {
    expect([...listed].sort(byRoute)).toEqual(routes);
  });

  it('reads the tables as a person wrote them', () => {
    const sample = [
      '<!-- route table under /api/v1: checked -->',
      '',
      '| resource | route | who | what |',
      '| --- | --- | --- | --- |',
      '| studios | `GET /studios/:studioId` | any token of the studio | read it |',
      '| | `GET /sessions?studioId&limit` | any token of the studio | list |',
      '',
      '<!-- route table under /: checked -->',
      '| resource | route | who | what |',
      '| --- | --- | --- | --- |',
      '| health | `GET /healthz` | no token | up? |',
      'after the table',
    ].join('\n');
    expect(listedRoutes(sample)).toEqual([
      { route: 'GET /api/v1/studios/:studioId', query: [], who: 'any token of the studio' },
      { route: 'GET /api/v1/sessions', query: ['studioId', 'limit'], who: 'any token of the studio' },
      { route: 'GET /healthz', query: [], who: 'no token' },
    ]);
  });
});
