// Requests against every route of the OpenAPI document: random and mutated
// bodies, other methods, odd content types and auth headers, huge headers,
// path ids with odd characters. None may answer 5xx. A request that could
// legitimately change a class (a valid operator token and a method that
// writes) never names the control class's studio or ids.
import { z } from 'zod';
import {
  drawFor,
  hostileJsonText,
  mutate,
  oddNumbers,
  oddStrings,
  randomJson,
  truncated,
  type Draw,
} from './fuzz-values.js';
import type { FuzzFailure, FuzzTargets } from './fuzz-types.js';

const openApi = z.object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) });
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;
const IN_FLIGHT = 8;
/** Node's HTTP server answers 431 to more header bytes than this and closes the connection. */
const NODE_MAX_HEADER_BYTES = 16 * 1024;

/** encodeURIComponent, but a lone surrogate goes out as the bytes a broken client sends for it. */
const encode = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
};

interface Route {
  method: string;
  path: string;
}

export async function routesOf(apiUrl: string): Promise<Route[]> {
  const response = await fetch(`${apiUrl}/api/docs/openapi.json`);
  const doc = openApi.parse(await response.json());
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => (methods as readonly string[]).includes(method.toUpperCase()))
      .map((method) => ({ method: method.toUpperCase(), path })),
  );
}

const validBody: Record<string, unknown> = {
  name: 'Fuzz',
  displayName: 'Fuzz',
  birthYear: 1990,
  sex: 'female',
  weightKg: 70,
  memberId: 'm_x',
  title: 'Fuzz class',
  role: 'coach',
  label: 'x',
  expiresAt: '2030-01-01T00:00:00Z',
  maxHrOverride: 190,
  program: { segments: [] },
};

function requestOf(draw: Draw, routes: readonly Route[], targets: FuzzTargets, apiUrl: string) {
  const route = draw.pick(routes);
  const method = draw.chance(0.8) ? route.method : draw.pick(methods);
  const auth = draw.pick([
    'admin',
    'admin',
    'operator',
    'coach',
    'display',
    'none',
    'Bearer ',
    'Bearer hrm_' + 'a'.repeat(43),
    'Bearer ' + 'x'.repeat(6000),
    'Basic Zm9vOmJhcg==',
    'bearer',
  ]);
  const validOperator = auth === 'admin' || auth === 'operator';
  const writes = !['GET', 'HEAD', 'OPTIONS'].includes(method);
  const mayTouchControl = !(validOperator && writes);
  const idPool = [
    targets.fuzz.studioId,
    targets.fuzz.sessionId,
    ...targets.fuzz.memberIds,
    ...targets.fuzz.participantIds,
    ...targets.fuzz.devices,
    ...(mayTouchControl
      ? [targets.control.studioId, targets.control.sessionId, ...targets.control.devices]
      : []),
  ];
  const path = route.path.replace(/\{[^}]+\}|:[A-Za-z]+/g, () => {
    if (draw.chance(0.6)) return encode(draw.pick(idPool));
    const odd = draw.pick(oddStrings);
    // Some sent raw: a bad percent-encoding is what a broken client sends.
    return draw.chance(0.2) && !/[\s?#/]/.test(odd) ? odd : encode(odd);
  });
  const query = draw.chance(0.3)
    ? '?' +
      Array.from(
        { length: draw.int(1, 3) },
        () =>
          `${draw.pick(['after', 'limit', 'from', 'to', 'bucket', 'status', 'cursor', 'x'])}=${encode(String(draw.chance(0.5) ? draw.pick(oddNumbers) : draw.pick(oddStrings)))}`,
      ).join('&')
    : '';
  const headers: Record<string, string> = {};
  if (auth === 'admin') headers.authorization = `Bearer ${targets.adminToken}`;
  else if (auth === 'operator' || auth === 'coach' || auth === 'display')
    headers.authorization = `Bearer ${targets.tokens[auth]}`;
  else if (auth !== 'none') headers.authorization = auth;
  let body: string | undefined;
  if (method !== 'GET' && method !== 'HEAD' && draw.chance(0.85)) {
    const roll = draw.int(0, 9);
    body =
      roll <= 3
        ? JSON.stringify(mutate(draw, validBody))
        : roll <= 6
          ? JSON.stringify(randomJson(draw))
          : roll <= 8
            ? hostileJsonText(draw, JSON.stringify(validBody))
            : 'x'.repeat(draw.int(1, 3) * 1024 * 1024);
    headers['content-type'] = draw.pick([
      'application/json',
      'application/json',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/merge-patch+json',
      'garbage',
    ]);
  }
  if (draw.chance(0.05)) headers['x-huge'] = 'x'.repeat(draw.int(8, 40) * 1024);
  if (draw.chance(0.05))
    headers['if-match'] = draw.pick(['"1"', '*', 'W/"x"', '"-1"', '"99999999999999999999"']);
  return { method, url: `${apiUrl}${path}${query}`, headers, body, route: `${method} ${route.path}` };
}

export async function fuzzRest(
  apiUrl: string,
  targets: FuzzTargets,
  count: number,
  seed: number,
  failures: FuzzFailure[],
): Promise<number> {
  const draw = drawFor(seed, 'rest');
  const routes = await routesOf(apiUrl);
  const requests = Array.from({ length: count }, () => requestOf(draw, routes, targets, apiUrl));
  let next = 0;
  let sent = 0;
  const worker = async () => {
    for (let index = next++; index < requests.length; index = next++) {
      const request = requests[index];
      if (request === undefined) continue;
      const input = `${request.method} ${request.url.slice(apiUrl.length)} ${truncated(request.headers, 120)} ${truncated(request.body ?? '', 160)}`;
      try {
        const response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.timeout(15_000),
          // A redirect (Spotify's sign-in) is the answer; following it would leave the API.
          redirect: 'manual',
        });
        await response.arrayBuffer();
        sent++;
        if (response.status >= 500)
          failures.push({
            surface: 'rest',
            index,
            seed,
            problem: `${response.status} on ${request.route}`,
            input,
          });
      } catch (error) {
        // fetch refuses some inputs itself (a header it cannot send); the server never saw those.
        const reason =
          error instanceof Error
            ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
            : String(error);
        // Over Node's header limit the server answers 431 and closes: a client still writing its
        // body sees a reset. That is the answer, not a failure.
        const headerBytes = Object.entries(request.headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
        const refusedHeaders = headerBytes > NODE_MAX_HEADER_BYTES && /ECONNRESET|EPIPE|closed/i.test(reason);
        if (/fetch failed|aborted|timeout/i.test(reason) && !/header/i.test(reason) && !refusedHeaders)
          failures.push({ surface: 'rest', index, seed, problem: `no answer (${reason})`, input });
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return sent;
}
