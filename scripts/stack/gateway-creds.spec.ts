// The demo gateway's creds against a small fake of the API's gateway routes:
// registered once and kept (0600), reused on the next start without asking the
// API, and when the API already knows the gateway but the creds are lost,
// revoked and registered again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import http from 'node:http';
import { z } from 'zod';
import { temporaryDirectory } from '#testing';
import { ApiClient, ApiError } from './api-client.js';
import { ensureGatewayCreds, gatewayCredsFile } from './gateway-creds.js';

const STUDIO = 'st_1';
const credsText = (n: number) =>
  `-----BEGIN NATS USER JWT-----\nJWT${n}\n------END NATS USER JWT------\n\n` +
  `-----BEGIN USER NKEY SEED-----\nSU${n}\n------END USER NKEY SEED------\n`;

/** The API's gateway routes as the contract says, and the calls it got. */
class FakeGatewayApi {
  readonly registered = new Set<string>();
  readonly calls: string[] = [];
  private issued = 0;
  private readonly server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => this.answer(request, body, response));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('the fake API listens nowhere');
    return `http://127.0.0.1:${address.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
    const route = `${request.method ?? ''} ${request.url ?? ''}`;
    this.calls.push(route);
    const send = (status: number, json?: unknown) => {
      response.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
      response.end(json === undefined ? undefined : JSON.stringify(json));
    };
    const one = /^DELETE \/api\/v1\/studios\/st_1\/gateways\/([\w-]+)$/.exec(route);
    if (one?.[1] !== undefined) return send(this.registered.delete(one[1]) ? 204 : 404, undefined);
    if (route !== `POST /api/v1/studios/${STUDIO}/gateways`) return send(404, { title: 'Not Found' });
    const { gatewayId } = z.object({ gatewayId: z.string() }).parse(JSON.parse(body));
    if (this.registered.has(gatewayId)) return send(409, { title: 'Conflict', status: 409 });
    this.registered.add(gatewayId);
    this.issued += 1;
    send(201, {
      gatewayId,
      studioId: STUDIO,
      name: null,
      createdAt: Date.now(),
      creds: credsText(this.issued),
    });
  }
}

describe('the demo gateway creds', () => {
  const fake = new FakeGatewayApi();
  let api: ApiClient;
  let dataDir: string;
  beforeAll(async () => {
    api = new ApiClient(await fake.start(), 'operator-token-0123456789');
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    dataDir = temporaryDirectory('hrm-gateway-creds');
    fake.registered.clear();
    fake.calls.length = 0;
  });

  it('registers the gateway and keeps its creds in HRM_DATA_DIR, 0600', async () => {
    const creds = await ensureGatewayCreds(api, dataDir, STUDIO, 'demo-gateway');
    expect(creds).toEqual({
      file: gatewayCredsFile(dataDir, STUDIO, 'demo-gateway'),
      text: credsText(1),
      registered: true,
    });
    expect(fs.readFileSync(creds.file, 'utf8')).toBe(creds.text);
    expect(fs.statSync(creds.file).mode & 0o777).toBe(0o600);
    expect(fake.calls).toEqual([`POST /api/v1/studios/${STUDIO}/gateways`]);
  });

  it('reuses the kept creds on the next start without asking the API', async () => {
    const first = await ensureGatewayCreds(api, dataDir, STUDIO, 'demo-gateway');
    const again = await ensureGatewayCreds(api, dataDir, STUDIO, 'demo-gateway');
    expect(again).toEqual({ ...first, registered: false });
    expect(fake.calls).toHaveLength(1);
  });

  it('revokes and registers again when the API knows the gateway but the creds are lost (409)', async () => {
    await ensureGatewayCreds(api, dataDir, STUDIO, 'demo-gateway');
    fs.rmSync(gatewayCredsFile(dataDir, STUDIO, 'demo-gateway'));
    const renewed = await ensureGatewayCreds(api, dataDir, STUDIO, 'demo-gateway');
    expect(renewed.registered).toBe(true);
    expect(fake.calls.slice(1)).toEqual([
      `POST /api/v1/studios/${STUDIO}/gateways`,
      `DELETE /api/v1/studios/${STUDIO}/gateways/demo-gateway`,
      `POST /api/v1/studios/${STUDIO}/gateways`,
    ]);
  });

  it('with fresh, replaces kept creds (those NATS refused)', async () => {
    const first = await ensureGatewayCreds(api, dataDir, STUDIO, 'demo-gateway');
    const renewed = await ensureGatewayCreds(api, dataDir, STUDIO, 'demo-gateway', { fresh: true });
    expect(renewed.text).not.toBe(first.text);
    expect(fs.readFileSync(renewed.file, 'utf8')).toBe(renewed.text);
  });

  it('says which route failed when the API refuses otherwise', async () => {
    await expect(ensureGatewayCreds(api, dataDir, 'st_other', 'demo-gateway')).rejects.toThrow(ApiError);
    await expect(ensureGatewayCreds(api, dataDir, 'st_other', 'demo-gateway')).rejects.toThrow(
      /POST \/api\/v1\/studios\/st_other\/gateways answered 404/,
    );
  });
});
