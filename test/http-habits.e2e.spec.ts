// What a client of the REST API meets before any business rule: media types,
// methods, Location, query parameters, the body limit, GET /, /metrics and the
// request log (contract 3, "Errors"; issue 13, findings 6 and 8).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { problem, studio } from '#contracts';
import { TEST_ADMIN_TOKEN, startTestStack, type TestStack } from '#testing';

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const logLine = z.looseObject({ level: z.string(), msg: z.string() });
const requestLine = logLine.extend({
  method: z.string(),
  route: z.string(),
  path: z.string(),
  status: z.number(),
  ms: z.number(),
});

/** A metric's value in Prometheus text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('HTTP habits of the API', () => {
  let stack: TestStack;
  let studioId: string;

  beforeAll(async () => {
    // info, so that the request log can be read back; the worker for its /metrics.
    stack = await startTestStack(['api', 'spotify-worker'], { env: { LOG_LEVEL: 'info' } });
    studioId = studio.parse((await stack.api('POST', '/api/v1/studios', { name: 'Habits' })).body).id;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const post = (path: string, body: string, contentType?: string) =>
    fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { ...auth, ...(contentType !== undefined && { 'content-type': contentType }) },
      body,
    });

  it('answers 415 problem+json naming application/json for a body sent as anything else, and creates nothing', async () => {
    const before = (await stack.api('GET', `/api/v1/studios/${studioId}/members`)).body;
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const response = await post(
        `/api/v1/studios/${studioId}/members`,
        contentType === 'application/x-www-form-urlencoded' ? 'displayName=Ann' : '{"displayName":"Ann"}',
        contentType,
      );
      expect({ contentType, status: response.status }).toEqual({ contentType, status: 415 });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const refused = problem.parse(await response.json());
      expect(refused.type).toBe('urn:hrm:http:unsupported-media-type');
      expect(refused.detail).toContain('application/json');
    }
    expect((await stack.api('GET', `/api/v1/studios/${studioId}/members`)).body).toEqual(before);
  });

  it('reads application/json with a charset and application/<x>+json as JSON', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
      const response = await post(`/api/v1/studios/${studioId}/members`, '{"displayName":"Bo"}', contentType);
      expect({ contentType, status: response.status }).toEqual({ contentType, status: 201 });
    }
  });

  it('answers null (or any JSON that is not an object) with the schema\'s 400 and field errors, not "invalid JSON"', async () => {
    for (const body of ['null', '42', '"Ann"', '[]']) {
      const response = await post(`/api/v1/studios/${studioId}/members`, body, 'application/json');
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      const refused = problem.parse(await response.json());
      expect(refused.detail).toBe('invalid body');
      expect(refused.errors?.[0]?.path).toBe('(root)');
      expect(refused.detail).not.toContain('JSON');
    }
    // Broken JSON is still told as such.
    const broken = await post(`/api/v1/studios/${studioId}/members`, '{"displayName":', 'application/json');
    expect(broken.status).toBe(400);
    expect(problem.parse(await broken.json()).detail).toMatch(/JSON/);
  });

  it('answers 413 problem+json for a body over 100 kB', async () => {
    const body = JSON.stringify({ displayName: 'x'.repeat(101 * 1024) });
    const response = await post(`/api/v1/studios/${studioId}/members`, body, 'application/json');
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const refused = problem.parse(await response.json());
    expect(refused.type).toBe('urn:hrm:http:body-too-large');
    expect(refused.detail).toContain('100 kB');
  });

  it('answers 405 with Allow for a method a path does not take, and 404 for a path that does not exist', async () => {
    const wrong = await fetch(`${stack.apiUrl}/api/v1/studios/${studioId}`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, PATCH');
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(problem.parse(await wrong.json()).type).toBe('urn:hrm:http:method-not-allowed');
    const listOnly = await fetch(`${stack.apiUrl}/api/v1/studios`, { method: 'GET', headers: auth });
    expect(listOnly.status).toBe(405);
    expect(listOnly.headers.get('allow')).toBe('POST');
    // Without a token too: which methods a path takes is in the public docs.
    expect((await fetch(`${stack.apiUrl}/api/v1/studios`, { method: 'PUT' })).status).toBe(405);
    const unknown = await fetch(`${stack.apiUrl}/api/v1/nothing-here`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('allow')).toBeNull();
  });

  it('gives every 201 a Location that answers with what was created', async () => {
    const created = await stack.api('POST', '/api/v1/studios', { name: 'Located' });
    expect(created.status).toBe(201);
    const id = studio.parse(created.body).id;
    expect(created.headers.get('location')).toBe(`/api/v1/studios/${id}`);
    const read = await fetch(`${stack.apiUrl}${created.headers.get('location') ?? ''}`, { headers: auth });
    expect(await read.json()).toEqual(created.body);

    const ids = z.object({ id: z.string() });
    const member = await stack.api('POST', `/api/v1/studios/${id}/members`, { displayName: 'Cy' });
    expect(member.headers.get('location')).toBe(`/api/v1/members/${ids.parse(member.body).id}`);
    const token = await stack.api('POST', `/api/v1/studios/${id}/tokens`, { role: 'display' });
    expect(token.headers.get('location')).toBe(`/api/v1/studios/${id}/tokens/${ids.parse(token.body).id}`);
    const session = await stack.api('POST', `/api/v1/studios/${id}/sessions`, { title: 'Spin' });
    const sessionId = ids.parse(session.body).id;
    expect(session.headers.get('location')).toBe(`/api/v1/sessions/${sessionId}`);
    const joined = await stack.api('POST', `/api/v1/sessions/${sessionId}/participants`, {
      memberId: ids.parse(member.body).id,
    });
    const participantId = z.object({ participantId: z.string() }).parse(joined.body).participantId;
    expect(joined.headers.get('location')).toBe(
      `/api/v1/sessions/${sessionId}/participants/${participantId}`,
    );
  });

  it('refuses unknown query parameters on every route, naming them, and changes nothing', async () => {
    const unknown = await stack.api('GET', `/api/v1/studios/${studioId}?verbose=1&pretty=true`);
    expect(unknown.status).toBe(400);
    const refused = problem.parse(unknown.body);
    expect(refused.detail).toContain('verbose, pretty');
    expect(refused.errors?.map((error) => error.path)).toEqual(['verbose', 'pretty']);
    // A route with a query of its own names what it takes.
    const listed = problem.parse((await stack.api('GET', '/api/v1/sessions?limit=5&page=2')).body);
    expect(listed.errors?.map((error) => error.path)).toEqual(['page']);
    expect(listed.detail).toContain('limit');
    const before = (await stack.api('GET', `/api/v1/studios/${studioId}/members`)).body;
    const write = await stack.api('POST', `/api/v1/studios/${studioId}/members?dryRun=1`, {
      displayName: 'Di',
    });
    expect(write.status).toBe(400);
    expect((await stack.api('GET', `/api/v1/studios/${studioId}/members`)).body).toEqual(before);
  });

  it('answers GET / with the way to the docs and the API: HTML for a browser, JSON on request, no token', async () => {
    const page = await fetch(`${stack.apiUrl}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('href="/api/docs"');
    expect(html).toContain('/api/v1');
    const json = await fetch(`${stack.apiUrl}/`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
    const home = z
      .object({
        docs: z.string(),
        api: z.string(),
        links: z.array(z.object({ rel: z.string(), href: z.string() })),
      })
      .parse(await json.json());
    expect(home).toMatchObject({ docs: '/api/docs', api: '/api/v1' });
    expect(home.links.map((link) => link.rel)).toEqual(expect.arrayContaining(['docs', 'api']));
  });

  it('shows Prometheus text on the API: requests by route template and status, their duration, projections, the process', async () => {
    await stack.api('GET', `/api/v1/studios/${studioId}`);
    const response = await fetch(`${stack.apiUrl}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const route = 'route="/api/v1/studios/:studioId"';
    expect(
      sample(text, `hrm_http_requests_total{method="GET",${route},status="200"}`),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, `hrm_http_requests_total{method="POST",route="/api/v1/studios",status="201"}`),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, `hrm_http_request_duration_seconds_count{method="GET",${route}}`),
    ).toBeGreaterThanOrEqual(1);
    expect(text).toContain(`hrm_http_request_duration_seconds_bucket{method="GET",${route},le="+Inf"}`);
    expect(sample(text, 'hrm_projection_position_seq{projection="api-sessions"}')).toBeGreaterThan(0);
    expect(sample(text, 'hrm_projection_lag_seq{projection="api-sessions"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'hrm_process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    expect(sample(text, 'hrm_process_uptime_seconds')).toBeGreaterThan(0);
  });

  it('shows Prometheus text on the Spotify worker: its calls to Spotify, refreshes, studios polled, the process', async () => {
    const text = await (await fetch(`${stack.serviceUrl('spotify-worker')}/metrics`)).text();
    expect(text).toContain('# TYPE hrm_spotify_calls_total counter');
    expect(text).toContain('# TYPE hrm_spotify_token_refreshes_total counter');
    expect(sample(text, 'hrm_spotify_studios_polled')).toBe(0);
    expect(sample(text, 'hrm_process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
  });

  it('logs each request at info (method, route, path, status, ms) and never a token or the query; probes at debug', async () => {
    await fetch(`${stack.apiUrl}/api/v1/spotify/callback?state=${'s'.repeat(20)}&code=secret-code-123`);
    await stack.api('GET', `/api/v1/studios/${studioId}`);
    await fetch(`${stack.apiUrl}/healthz`);
    const output = stack.service('api').recentOutput(500);
    expect(output).not.toContain(TEST_ADMIN_TOKEN);
    expect(output).not.toContain('secret-code-123');
    const lines = output
      .split('\n')
      .flatMap((line) => {
        try {
          const parsed = requestLine.safeParse(JSON.parse(line));
          return parsed.success ? [parsed.data] : [];
        } catch {
          return [];
        }
      })
      .filter((line) => line.msg === 'request');
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        method: 'GET',
        route: '/api/v1/studios/:studioId',
        path: `/api/v1/studios/${studioId}`,
        status: 200,
      }),
    );
    expect(lines.find((line) => line.path === '/api/v1/spotify/callback')).toMatchObject({ level: 'info' });
    expect(lines.filter((line) => line.path === '/healthz')).toEqual([]);
  });
});
