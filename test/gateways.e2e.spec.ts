// Gateways with their own NATS credentials (issue 16): the API registers a
// gateway and hands out its credentials once; with them the gateway publishes
// its own samples, which reach a screen and history, and nothing else; the
// API revokes them and every server cuts the gateway off within 5 s.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  commandSubjects,
  eventSubjects,
  gatewayList,
  gatewaySubjects,
  heartRateSeries,
  issuedGateway,
  issuedToken,
  problem,
  studio,
  type IssuedGateway,
} from '#contracts';
import { gatewayInboxPrefix } from '#nats-auth';
import { eventually, sleep, startTestStack, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { setUpLiveClass, expectStatus, type LiveClass } from './support/live-class.js';
import { Screen, connected, liveSocket } from './support/screen.js';

const devices = ['ant:120:20001', 'ant:120:20002'];
const REVOCATION_MS = 5000;

/** What the server answered instead of doing it: the error's message, or 'done' when it did it. */
async function outcome(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return 'done';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('gateways with their own credentials', () => {
  let stack: TestStack;
  let live: LiveClass;
  let otherStudioId: string;
  /** Operator and coach tokens of the live class's studio, and an operator token of the other studio. */
  let operator: string;
  let coach: string;
  let otherOperator: string;
  let registered: IssuedGateway;
  let gateway: NatsConnection;
  const connections: NatsConnection[] = [];

  const gatewaysPath = (studioId: string) => `/api/v1/studios/${studioId}/gateways`;
  /** A connection as the gateway, with its inbox prefix (its JetStream acks come there). */
  const connectAs = async (creds: string, studioId: string, gatewayId: string) => {
    const connection = await stack.connectNats(creds, {
      inboxPrefix: gatewayInboxPrefix(studioId, gatewayId),
      reconnect: false,
    });
    connections.push(connection);
    return connection;
  };

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime'], { env: { HRM_TICK_MS: '200' } });
    live = await setUpLiveClass(stack, devices);
    otherStudioId = studio.parse(
      await expectStatus(stack.api('POST', '/api/v1/studios', { name: 'Other Studio' }), 201),
    ).id;
    const issue = async (studioId: string, role: string) =>
      issuedToken.parse(
        await expectStatus(stack.api('POST', `/api/v1/studios/${studioId}/tokens`, { role }), 201),
      ).token;
    operator = await issue(live.studioId, 'operator');
    coach = await issue(live.studioId, 'coach');
    otherOperator = await issue(otherStudioId, 'operator');
  }, 120_000);

  afterAll(async () => {
    for (const connection of connections) await connection.close().catch(() => undefined);
    await stack?.stop();
  });

  it('refuses a connection without credentials', async () => {
    expect(await outcome(connect({ servers: stack.nats.url, reconnect: false }))).toMatch(
      /Authorization Violation/i,
    );
  });

  it('registers a gateway for its studio operator: 201 with the credentials, shown once', async () => {
    const response = await stack.api(
      'POST',
      gatewaysPath(live.studioId),
      { gatewayId: 'front-desk', name: 'Front desk' },
      operator,
    );
    expect(response.status).toBe(201);
    registered = issuedGateway.parse(response.body);
    expect(registered).toMatchObject({
      gatewayId: 'front-desk',
      studioId: live.studioId,
      name: 'Front desk',
    });
    expect(Math.abs(registered.createdAt - Date.now())).toBeLessThan(60_000);
    // The standard credentials file: the user JWT, then the seed.
    expect(registered.creds).toMatch(/-----BEGIN NATS USER JWT-----\n\S+\n------END NATS USER JWT------/);
    expect(registered.creds).toMatch(
      /-----BEGIN USER NKEY SEED-----\nSU[A-Z2-7]+\n------END USER NKEY SEED------/,
    );
    expect(response.headers.get('location')).toBe(`${gatewaysPath(live.studioId)}/front-desk`);

    // Listed, never with its credentials.
    const listed = await stack.api('GET', gatewaysPath(live.studioId), undefined, coach);
    expect(listed.status).toBe(200);
    expect(gatewayList.parse(listed.body).gateways).toEqual([
      {
        gatewayId: 'front-desk',
        studioId: live.studioId,
        name: 'Front desk',
        createdAt: registered.createdAt,
        lastSeenAt: null,
      },
    ]);
    expect(JSON.stringify(listed.body)).not.toMatch(/SU[A-Z2-7]{20}|NATS USER JWT/);
  });

  it('publishes its samples with its credentials: acked, on a screen, in history, and in lastSeenAt', async () => {
    gateway = await connectAs(registered.creds, live.studioId, 'front-desk');
    const socket = liveSocket(stack.realtimeUrl, operator);
    await connected(socket);
    const screen = new Screen(socket, live.sessionId);
    await screen.subscribe();

    const before = Date.now();
    const ts = Date.now();
    const publisher = new TestGateway(gateway, live.studioId, 'front-desk');
    await publisher.publish(ts, devices, (_device, index) => 131 + index);
    const participant = live.participantsByDevice.get(devices[1] ?? '') ?? '';
    const shown = await eventually(
      () => (screen.values.get(participant)?.ts === ts ? screen.values.get(participant) : undefined),
      'the second athlete on the screen',
    );
    expect(shown.bpm).toBe(132);
    socket.close();

    await eventually(async () => {
      const series = heartRateSeries.parse(
        (await stack.api('GET', `/api/v1/sessions/${live.sessionId}/heart-rate`, undefined, coach)).body,
      );
      const points = series.participants.find((entry) => entry.participantId === participant)?.points;
      return points?.some((point) => point.t === ts && point.bpm === 132) ? true : undefined;
    }, 'the sample in history');

    const [listed] = gatewayList.parse(
      (await stack.api('GET', gatewaysPath(live.studioId), undefined, operator)).body,
    ).gateways;
    expect(listed?.lastSeenAt).toEqual(expect.any(Number));
    expect(listed?.lastSeenAt ?? 0).toBeGreaterThanOrEqual(before - 1000);
    expect(listed?.lastSeenAt ?? Infinity).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("is refused everything but its own subjects: another studio's, evt, hr, cmd, the JetStream API", async () => {
    const js = jetstream(gateway);
    const sample = JSON.stringify({ gatewayId: 'front-desk', seq: 99, sentAt: Date.now(), samples: [] });
    const denied = [
      gatewaySubjects.samples(otherStudioId, 'front-desk'),
      gatewaySubjects.samples(live.studioId, 'another-gateway'),
      eventSubjects.session(live.sessionId),
      eventSubjects.heartRate(live.sessionId, 'front-desk'),
      commandSubjects.timer(live.sessionId),
    ];
    for (const subject of denied) {
      expect({ subject, outcome: await outcome(js.publish(subject, sample, { timeout: 3000 })) }).toEqual({
        subject,
        outcome: expect.stringMatching(`Permissions Violation for Publish to "${subject}"`),
      });
    }
    const streamInfo = '$JS.API.STREAM.INFO.HRM_EVENTS';
    expect(await outcome(gateway.request(streamInfo, '', { timeout: 3000 }))).toMatch(
      `Permissions Violation for Publish to "${streamInfo}"`,
    );

    const subscription = gateway.subscribe('evt.>');
    const ended = await Promise.race([subscription.closed, sleep(3000).then(() => 'still open')]);
    expect(ended instanceof Error ? ended.message : String(ended)).toMatch(
      'Permissions Violation for Subscription to "evt.>"',
    );

    // The server logged each refusal, and the gateway is still connected for its own subjects.
    expect(stack.natsViolations().join('\n')).toContain(`"${eventSubjects.session(live.sessionId)}"`);
    expect(gateway.isClosed()).toBe(false);
    await new TestGateway(gateway, live.studioId, 'front-desk').publishStatus([]);
  });

  it('answers 400 for a gateway id that is not a subject token, 409 for one the studio has', async () => {
    for (const gatewayId of ['front.desk', 'front desk', '*', '>', '', 'x'.repeat(65), 42]) {
      const response = await stack.api('POST', gatewaysPath(live.studioId), { gatewayId }, operator);
      expect({ gatewayId, status: response.status }).toEqual({ gatewayId, status: 400 });
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(problem.parse(response.body).errors?.map((error) => error.path)).toEqual(['gatewayId']);
    }
    const unknownField = await stack.api(
      'POST',
      gatewaysPath(live.studioId),
      { gatewayId: 'g2', seed: 'x' },
      operator,
    );
    expect(unknownField.status).toBe(400);

    const again = await stack.api('POST', gatewaysPath(live.studioId), { gatewayId: 'front-desk' }, operator);
    expect(again.status).toBe(409);
    expect(problem.parse(again.body)).toMatchObject({
      status: 409,
      type: 'urn:hrm:gateway:already-registered',
    });
    expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it("answers 404 for another studio's gateways, 403 to a coach, 401 without a token", async () => {
    const crossStudio = [
      stack.api('POST', gatewaysPath(live.studioId), { gatewayId: 'intruder' }, otherOperator),
      stack.api('GET', gatewaysPath(live.studioId), undefined, otherOperator),
      stack.api('DELETE', `${gatewaysPath(live.studioId)}/front-desk`, undefined, otherOperator),
      // Checked before the body: a bad body for another studio is still 404.
      stack.api('POST', gatewaysPath(live.studioId), { gatewayId: 'a.b' }, otherOperator),
    ];
    for (const response of await Promise.all(crossStudio)) expect(response.status).toBe(404);
    expect((await stack.api('POST', gatewaysPath('st_nowhere'), { gatewayId: 'g1' })).status).toBe(404);
    expect((await stack.api('DELETE', `${gatewaysPath(live.studioId)}/no-such-gateway`)).status).toBe(404);

    expect((await stack.api('POST', gatewaysPath(live.studioId), { gatewayId: 'g1' }, coach)).status).toBe(
      403,
    );
    expect(
      (await stack.api('DELETE', `${gatewaysPath(live.studioId)}/front-desk`, undefined, coach)).status,
    ).toBe(403);
    expect(
      (await stack.api('POST', gatewaysPath(live.studioId), { gatewayId: 'g1' }, 'hrm_wrong')).status,
    ).toBe(401);
    const anonymous = await fetch(`${stack.apiUrl}${gatewaysPath(live.studioId)}`);
    expect(anonymous.status).toBe(401);

    // The same id in another studio is another gateway, with subjects of its own.
    const elsewhere = await stack.api(
      'POST',
      gatewaysPath(otherStudioId),
      { gatewayId: 'front-desk' },
      otherOperator,
    );
    expect(elsewhere.status).toBe(201);
    expect(
      gatewayList.parse((await stack.api('GET', gatewaysPath(live.studioId))).body).gateways,
    ).toHaveLength(1);
  });

  it('revokes a gateway: its connection is closed and its credentials refused within 5 s', async () => {
    const closed = gateway.closed().then(() => Date.now());
    const response = await stack.api(
      'DELETE',
      `${gatewaysPath(live.studioId)}/front-desk`,
      undefined,
      operator,
    );
    expect(response.status).toBe(204);
    const answeredAt = Date.now();

    const closedAt = await Promise.race([
      closed,
      new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), REVOCATION_MS)),
    ]);
    expect(closedAt - answeredAt).toBeLessThan(REVOCATION_MS);
    const refusal = await outcome(connectAs(registered.creds, live.studioId, 'front-desk'));
    expect(refusal).toMatch(/Authorization Violation|Authentication Revoked/i);
    expect(Date.now() - answeredAt).toBeLessThan(REVOCATION_MS);

    expect(gatewayList.parse((await stack.api('GET', gatewaysPath(live.studioId))).body).gateways).toEqual(
      [],
    );
    expect((await stack.api('DELETE', `${gatewaysPath(live.studioId)}/front-desk`)).status).toBe(404);
  });

  it('registers the same gateway id again after a revocation, with new credentials that work', async () => {
    const response = await stack.api(
      'POST',
      gatewaysPath(live.studioId),
      { gatewayId: 'front-desk' },
      operator,
    );
    expect(response.status).toBe(201);
    const renewed = issuedGateway.parse(response.body);
    expect(renewed.name).toBeNull();
    expect(renewed.creds).not.toBe(registered.creds);
    const connection = await connectAs(renewed.creds, live.studioId, 'front-desk');
    await new TestGateway(connection, live.studioId, 'front-desk').publish(Date.now(), devices, () => 120);
    // The old credentials stay refused.
    expect(await outcome(connectAs(registered.creds, live.studioId, 'front-desk'))).toMatch(
      /Authorization Violation|Authentication Revoked/i,
    );
  });

  it('answers 503 problem+json on an API without NATS signing keys', async () => {
    const unconfigured = await stack.addService('api', {
      NATS_ACCOUNT_SIGNER: '',
      NATS_OPERATOR_SIGNER: '',
      NATS_ACCOUNT_ADMIN_CREDS: '',
    });
    const url = `http://127.0.0.1:${unconfigured.options.port}${gatewaysPath(live.studioId)}`;
    const headers = { authorization: `Bearer ${operator}`, 'content-type': 'application/json' };
    const register = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ gatewayId: 'g9' }) });
    expect(register.status).toBe(503);
    expect(register.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(problem.parse(await register.json())).toMatchObject({ type: 'urn:hrm:gateway:not-configured' });
    const revoke = await fetch(`${url}/front-desk`, { method: 'DELETE', headers });
    expect(revoke.status).toBe(503);
    // Listing needs no keys.
    expect((await fetch(url, { headers })).status).toBe(200);
  });
});
