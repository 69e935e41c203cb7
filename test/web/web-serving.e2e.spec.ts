// The API serves the web app on its own port (docs/contracts/web.md): the page
// paths answer the app's HTML with headers that keep it fresh and its token
// private, the assets are cached for good, and GET /api/v1/config tells a page
// where realtime is. No browser needed for these.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { publicConfig } from '#contracts';
import { startTestStack, type TestStack } from '#testing';

describe('the web pages, served by the API', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack(['api', 'realtime']);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('GET /api/v1/config answers the realtime URL, without a token', async () => {
    const response = await fetch(`${stack.apiUrl}/api/v1/config`);
    expect(response.status).toBe(200);
    expect(publicConfig.parse(await response.json())).toEqual({ realtimeUrl: stack.realtimeUrl });
  });

  it.each(['screen/s_1', 'studio/st_1', 'coach/s_1', 'report/s_1'])(
    'GET /%s answers the app, never cached, no referrer, only its own scripts',
    async (page) => {
      const response = await fetch(`${stack.apiUrl}/${page}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain(`connect-src 'self' ${stack.realtimeUrl}`);
      expect(await response.text()).toContain('<main id="app">');
    },
  );

  it('serves every asset the page names, cached for good (content-hashed names)', async () => {
    const html = await (await fetch(`${stack.apiUrl}/screen/s_1`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(([, asset]) => asset ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const response = await fetch(`${stack.apiUrl}${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    }
    expect((await fetch(`${stack.apiUrl}/assets/nothing-here.js`)).status).toBe(404);
  });

  it('has no other page: a path beside them is a 404 problem', async () => {
    const response = await fetch(`${stack.apiUrl}/screens/s_1`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
