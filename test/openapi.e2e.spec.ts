// GET /api/docs: the OpenAPI document of the running API, served without a token;
// what it documents is what the API enforces and answers (contract 3).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import {
  deviceList,
  issuedToken,
  member,
  memberList,
  devicePairing,
  participantAdded,
  problem,
  sessionView,
  studio,
  studioTokenList,
} from '#contracts';
import { startTestStack, type TestStack } from '#testing';

/** Just enough of the document to find a route's schemas; the in-process test checks the rest. */
const schemaObject = z.looseObject({
  additionalProperties: z.boolean().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  pattern: z.string().optional(),
});
const operation = z.looseObject({
  // A shared parameter ($ref) has neither name nor in here.
  parameters: z.array(
    z.looseObject({
      name: z.string().optional(),
      in: z.string().optional(),
      schema: schemaObject.optional(),
    }),
  ),
  requestBody: z
    .object({ content: z.object({ 'application/json': z.object({ schema: schemaObject }) }) })
    .optional(),
  responses: z.record(z.string(), z.unknown()),
});
const openApi = z.looseObject({
  openapi: z.literal('3.1.0'),
  paths: z.record(z.string(), z.record(z.string(), operation)),
});

/** The answer is exactly what the schema describes: parsing drops nothing and changes nothing. */
function expectShape(schema: z.ZodType, body: unknown): void {
  expect(schema.parse(body)).toEqual(body);
}

describe('OpenAPI at /api/docs', () => {
  let stack: TestStack;
  let document: z.infer<typeof openApi>;
  let served: unknown;

  beforeAll(async () => {
    stack = await startTestStack(['api']);
    const response = await fetch(`${stack.apiUrl}/api/docs/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    served = await response.json();
    document = openApi.parse(served);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('serves the document and an index page without a token, the JSON also by content negotiation', async () => {
    expect(Object.keys(document.paths)).toContain('/api/v1/studios/{studioId}/members');
    const page = await fetch(`${stack.apiUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/api/docs/openapi.json');
    const negotiated = await fetch(`${stack.apiUrl}/api/docs`, { headers: { accept: 'application/json' } });
    expect(negotiated.headers.get('content-type')).toContain('application/json');
    expect(await negotiated.json()).toEqual(served);
    // Still no way in without a token anywhere else under /api/.
    expect((await fetch(`${stack.apiUrl}/api/v1/sessions`)).status).toBe(401);
  });

  it('refuses with 400 problem+json a body the document says is invalid', async () => {
    const created = studio.parse((await stack.api('POST', '/api/v1/studios', { name: 'Docs' })).body);
    const createMember = document.paths['/api/v1/studios/{studioId}/members']?.post;
    const body = createMember?.requestBody?.content['application/json'].schema;
    expect(body?.additionalProperties).toBe(false);
    expect(Object.keys(body?.properties ?? {})).not.toContain('nickname');
    const response = await stack.api('POST', `/api/v1/studios/${created.id}/members`, {
      displayName: 'Ann',
      nickname: 'A',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const refused = problem.parse(response.body);
    expect(refused.detail).toBe('invalid body');
    expect(refused.errors?.[0]?.message).toContain('nickname');
  });

  it('refuses with 400 a query parameter that breaks its documented pattern', async () => {
    const events = document.paths['/api/v1/sessions/{sessionId}/events']?.get;
    const limit = events?.parameters.find((parameter) => parameter.name === 'limit');
    expect(limit?.in).toBe('query');
    const pattern = new RegExp(limit?.schema?.pattern ?? '');
    expect(pattern.test('12')).toBe(true);
    expect(pattern.test('1e3')).toBe(false);
    const response = await stack.api('GET', '/api/v1/sessions/s_unknown/events?limit=1e3');
    expect(response.status).toBe(400);
    expect(problem.parse(response.body).errors?.map((error) => error.path)).toEqual(['limit']);
  });

  it('answers with exactly the documented answer schemas', async () => {
    const created = studio.parse((await stack.api('POST', '/api/v1/studios', { name: 'Shapes' })).body);
    const base = `/api/v1/studios/${created.id}`;
    const token = await stack.api('POST', `${base}/tokens`, { role: 'coach', label: 'tablet' });
    expectShape(issuedToken, token.body);
    expectShape(studioTokenList, (await stack.api('GET', `${base}/tokens`)).body);
    const athlete = member.parse(
      (await stack.api('POST', `${base}/members`, { displayName: 'Bo', birthYear: 1990 })).body,
    );
    expectShape(memberList, (await stack.api('GET', `${base}/members`)).body);
    const paired = await stack.api('PUT', `${base}/devices/ant%3A120%3A777`, { memberId: athlete.id });
    expectShape(devicePairing, paired.body);
    expectShape(deviceList, (await stack.api('GET', `${base}/devices`)).body);
    const session = sessionView.parse((await stack.api('POST', `${base}/sessions`, { title: 'Spin' })).body);
    const added = await stack.api('POST', `/api/v1/sessions/${session.id}/participants`, {
      memberId: athlete.id,
    });
    expect(added.status).toBe(201);
    expectShape(participantAdded, added.body);
  });
});
