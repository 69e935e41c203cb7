// The live protocol end to end (docs/contracts/live.md): subscriptions and
// their scope, commands and roles, every client event with bad payloads, a
// flooding client, a client that never reads, coalescing, alerts and the
// studio room's unassigned straps.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  commandSubjects,
  forwardedSpotifyCommand,
  issuedToken,
  liveCommandAck,
  studio,
  studioDevices,
  studioSubscribeAck,
  type StudioDevices,
  type TokenRole,
  decodeCompactValues,
  hrmValues,
  hrmValuesCompact,
  type HrmValues,
  type HrmValuesCompact,
} from '#contracts';
import { eventually, sleep, startTestStack, TEST_ADMIN_TOKEN, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { expectStatus, setUpLiveClass, type LiveClass } from './support/live-class.js';
import { connected, liveSocket, Screen } from './support/screen.js';

const devices = ['ant:120:20001', 'ant:120:20002', 'ant:120:20003'];
const ackError = (ack: unknown) => (liveCommandAck.parse(ack).ok ? null : liveCommandAck.parse(ack));

describe('the live protocol', () => {
  let stack: TestStack;
  let nats: NatsConnection;
  let live: LiveClass;
  let gateway: TestGateway;
  let otherStudioId: string;
  const tokens = new Map<TokenRole, string>();
  const sockets: Socket[] = [];

  const open = async (token: unknown = TEST_ADMIN_TOKEN) => {
    const socket = liveSocket(stack.realtimeUrl, token);
    sockets.push(socket);
    await connected(socket);
    return socket;
  };
  const tokenOf = (role: TokenRole) => tokens.get(role) ?? '';

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime'], {
      env: { HRM_TICK_MS: '1000', REALTIME_RATE_BURST: '30', INGEST_DEVICE_STATUS_INTERVAL_MS: '100' },
    });
    nats = await stack.connectNats();
    live = await setUpLiveClass(stack, devices);
    gateway = await TestGateway.connect(stack, live.studioId, 'gw-live');
    for (const role of ['display', 'coach', 'operator'] as const) {
      const issued = issuedToken.parse(
        await expectStatus(stack.api('POST', `/api/v1/studios/${live.studioId}/tokens`, { role }), 201),
      );
      tokens.set(role, issued.token);
    }
    otherStudioId = studio.parse(
      await expectStatus(stack.api('POST', '/api/v1/studios', { name: 'Elsewhere' }), 201),
    ).id;
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await nats?.close();
    await stack?.stop();
  });

  it('refuses a connection without a token, with an unknown one, or with a token that is not a string', async () => {
    for (const token of [undefined, 'not-a-token', 42, { nested: true }]) {
      const socket = liveSocket(stack.realtimeUrl, token);
      const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
      socket.close();
      expect(error.message).toBe('unauthorized');
    }
  });

  it('answers bad-request to a bad payload of every client event, ack or not, and keeps the socket up', async () => {
    const bad: Record<string, unknown[]> = {
      'session:subscribe': ['text', 7, [], {}, { sessionId: 'a b' }, { sessionId: live.sessionId, x: 1 }],
      'studio:subscribe': ['text', 7, [], {}, { studioId: '' }],
      unsubscribe: ['text', 7, [], {}, { sessionId: 1 }],
      'timer:command': [
        'text',
        [],
        { sessionId: live.sessionId },
        { sessionId: live.sessionId, action: 'explode' },
      ],
      'spotify:command': ['text', {}, { studioId: live.studioId, action: 'volume' }],
      'time:ping': ['text', 7, [], { extra: true }],
    };
    for (const [event, payloads] of Object.entries(bad)) {
      const socket = await open(tokenOf('coach'));
      for (const payload of payloads) {
        const ack = liveCommandAck.parse(await socket.timeout(3000).emitWithAck(event, payload));
        expect({ event, payload, ack }).toMatchObject({ ack: { ok: false, error: { code: 'bad-request' } } });
        socket.emit(event, payload); // without an ack callback: nothing to answer, nothing breaks
      }
      socket.emit(event); // no payload at all
      const ping = await socket.timeout(3000).emitWithAck('time:ping', {});
      expect(ping).toMatchObject({ ok: true });
      expect(socket.connected).toBe(true);
    }
  });

  it('lets a studio token see only its own studio: a foreign or unknown class or studio is not-found', async () => {
    const display = await open(tokenOf('display'));
    const own = studioSubscribeAck.parse(
      await display.emitWithAck('studio:subscribe', { studioId: live.studioId }),
    );
    expect(own).toMatchObject({
      ok: true,
      snapshot: {
        studio: { studioId: live.studioId, name: 'Test Studio' },
        liveSessionId: live.sessionId,
        spotify: null,
      },
    });
    for (const [event, payload] of [
      ['studio:subscribe', { studioId: otherStudioId }],
      ['studio:subscribe', { studioId: 'no-such-studio' }],
      ['session:subscribe', { sessionId: 'no-such-class' }],
    ] as const) {
      expect(await display.emitWithAck(event, payload)).toMatchObject({
        ok: false,
        error: { code: 'not-found' },
      });
    }
    const admin = await open();
    expect(await admin.emitWithAck('studio:subscribe', { studioId: 'no-such-studio' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('refuses commands from a display (forbidden), forwards a coach’s to the owner, and answers not-available without one', async () => {
    const display = await open(tokenOf('display'));
    for (const [event, payload] of [
      ['timer:command', { sessionId: live.sessionId, action: 'start' }],
      ['spotify:command', { studioId: live.studioId, action: 'play' }],
    ] as const) {
      expect(ackError(await display.emitWithAck(event, payload))).toMatchObject({
        error: { code: 'forbidden' },
      });
    }

    const coach = await open(tokenOf('coach'));
    // The timer's owner (the API) answers, refusals included: this class has no program.
    expect(
      ackError(await coach.emitWithAck('timer:command', { sessionId: live.sessionId, action: 'start' })),
    ).toMatchObject({ error: { code: 'rule:no-program' } });
    // No Spotify worker runs in this stack: not-available, at once.
    const started = Date.now();
    expect(
      ackError(await coach.emitWithAck('spotify:command', { studioId: live.studioId, action: 'pause' })),
    ).toMatchObject({ error: { code: 'not-available' } });
    expect(Date.now() - started).toBeLessThan(2000); // no responders is known at once, no timeout
    expect(
      ackError(await coach.emitWithAck('spotify:command', { studioId: otherStudioId, action: 'pause' })),
    ).toMatchObject({ error: { code: 'not-found' } });

    // A stand-in owner: the command arrives with who sent it, and its reply is the ack.
    const received: unknown[] = [];
    const playback = { studioId: live.studioId, status: 'connected', isPlaying: false, at: Date.now() };
    const owner = nats.subscribe(commandSubjects.allSpotify, {
      callback: (_error, message) => {
        received.push(forwardedSpotifyCommand.parse(message.json()));
        message.respond(JSON.stringify({ ok: true, state: playback }));
      },
    });
    await nats.flush();
    const ack = await coach.emitWithAck('spotify:command', { studioId: live.studioId, action: 'pause' });
    owner.unsubscribe();
    expect(ack).toEqual({ ok: true, state: playback });
    expect(received).toEqual([
      {
        command: { studioId: live.studioId, action: 'pause' },
        actor: { kind: 'studio', studioId: live.studioId, role: 'coach', tokenId: expect.any(String) },
      },
    ]);
  });

  it('answers rate-limited to a flooding client, then disconnects it', async () => {
    const socket = await open(tokenOf('display'));
    const disconnected = new Promise<string>((resolve) => socket.on('disconnect', resolve));
    // Within the burst (30 here), every request is answered.
    for (let i = 0; i < 25; i++)
      expect(await socket.emitWithAck('time:ping', {})).toMatchObject({ ok: true });
    // Then a flood: the bucket runs dry, requests are refused, and a client that keeps on is cut off.
    const answers = await Promise.allSettled(
      Array.from({ length: 200 }, () => socket.timeout(3000).emitWithAck('time:ping', {})),
    );
    const codes = answers.map((answer) =>
      answer.status === 'rejected' ? 'no answer' : answer.value.ok ? 'ok' : answer.value.error.code,
    );
    expect(codes).toContain('rate-limited');
    expect(await disconnected).toBe('io server disconnect');
    const metrics = await (await fetch(`${stack.realtimeUrl}/metrics`)).text();
    expect(metric(metrics, 'hrm_realtime_flooding_disconnects_total')).toBe(1);
  });

  it('sends metadata once and one values frame for a burst of 30 samples within a tick, with only the athletes that changed', async () => {
    const socket = await open();
    const screen = new Screen(socket, live.sessionId);
    const metadata: unknown[] = [];
    socket.on('hrm:metadata', (payload: unknown) => metadata.push(payload));
    await screen.subscribe();
    await sleep(1200); // whatever was due from earlier tests went out
    screen.frames.length = 0;

    const [first = ''] = devices;
    const start = Date.now() + 60_000;
    await gateway.publishSamples(
      Array.from({ length: 30 }, (_, index) => ({
        deviceId: first,
        ts: start + index * 30,
        bpm: 100 + index,
        contact: true,
        battery: 80,
      })),
    );
    const participantId = live.participantsByDevice.get(first);
    await eventually(
      () => (screen.values.get(participantId ?? '')?.ts === start + 29 * 30 ? true : undefined),
      'the last sample of the burst on screen',
    );
    await sleep(1500);
    const carrying = screen.frames.filter((frame) => frame.values.some((value) => value.ts >= start));
    // One frame; two only when the burst happened to straddle a tick boundary.
    expect(carrying.length).toBeGreaterThanOrEqual(1);
    expect(carrying.length).toBeLessThanOrEqual(2);
    for (const frame of screen.frames)
      expect(frame.values.map((value) => value.participantId)).toEqual([participantId]);
    expect(screen.values.get(participantId ?? '')).toMatchObject({ bpm: 129 });
    expect(metadata).toHaveLength(1);
  });

  it('sends compact frames to a screen that asks for them: the same values in about half the bytes', async () => {
    const plain = await open();
    const compact = await open();
    const plainFrames: HrmValues[] = [];
    const compactFrames: HrmValuesCompact[] = [];
    plain.on('hrm:values', (payload: unknown) => plainFrames.push(hrmValues.parse(payload)));
    compact.on('hrm:values', (payload: unknown) => compactFrames.push(hrmValuesCompact.parse(payload)));
    for (const [socket, encoding] of [
      [plain, undefined],
      [compact, 'compact'],
    ] as const) {
      const ack = await socket.emitWithAck('session:subscribe', { sessionId: live.sessionId, encoding });
      expect(ack).toMatchObject({ ok: true });
    }
    expect(
      await compact.emitWithAck('session:subscribe', { sessionId: live.sessionId, encoding: 'tiny' }),
    ).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await sleep(1200);
    plainFrames.length = 0;
    compactFrames.length = 0;

    const start = Date.now() + 90_000; // after the burst above, before the samples of the tests below
    for (let second = 0; second < 3; second++) {
      await gateway.publish(start + second * 1000, devices, (_device, index) => 120 + index + second);
      await sleep(1100);
    }
    await eventually(
      () =>
        compactFrames.some((frame) => frame.rows.some((row) => row[7] + frame.at === start + 2000))
          ? true
          : undefined,
      'the last batch on the compact screen',
    );
    await sleep(300);
    const bySeq = new Map(plainFrames.map((frame) => [frame.seq, frame]));
    const decoded = compactFrames.map(decodeCompactValues).filter((frame) => bySeq.has(frame.seq));
    expect(decoded.length).toBeGreaterThanOrEqual(2);
    for (const frame of decoded) expect(frame).toEqual(bySeq.get(frame.seq));
    const bytes = (frames: unknown[]) =>
      frames.reduce<number>((sum, frame) => sum + JSON.stringify(frame).length, 0);
    const same = compactFrames.filter((frame) => bySeq.has(frame.seq));
    expect(bytes(same)).toBeLessThan(0.6 * bytes(same.map((frame) => bySeq.get(frame.seq))));
  });

  it('never queues more than one values frame for a client that stops reading, and catches it up with a full frame', async () => {
    const client = await PollingClient.open(stack.realtimeUrl, TEST_ADMIN_TOKEN);
    const subscribed = await client.request('session:subscribe', { sessionId: live.sessionId });
    expect(subscribed).toContain('"ok":true');

    // The client stops polling: its transport is never writable again while frames keep coming.
    const start = Date.now() + 120_000;
    for (let second = 0; second < 5; second++) {
      await gateway.publish(start + second * 1000, devices, () => 110 + second);
      await sleep(1000);
    }
    const metrics = await (await fetch(`${stack.realtimeUrl}/metrics`)).text();
    expect(metric(metrics, 'hrm_realtime_values_skipped_total')).toBeGreaterThanOrEqual(3);
    expect(metric(metrics, 'hrm_realtime_values_queued_max')).toBeLessThanOrEqual(1);

    const waiting = await client.poll();
    expect(countValues(waiting)).toBeLessThanOrEqual(1);
    const next = await client.pollUntil((packets) =>
      packets.some((packet) => packet.includes('"full":true')),
    );
    const full = next.find((packet) => packet.includes('"full":true')) ?? '';
    expect(full).toContain(`"ts":${start + 4000}`);
    client.close();
  });

  it('alerts low battery once, not with every low sample', async () => {
    const socket = await open(tokenOf('coach'));
    const screen = new Screen(socket, live.sessionId);
    await screen.subscribe();
    const [, second = ''] = devices;
    const start = Date.now() + 200_000; // after every sample of the earlier tests: these are the latest
    for (let i = 0; i < 4; i++) {
      await gateway.publishSamples([
        { deviceId: second, ts: start + i * 500, bpm: 120, contact: true, battery: 9 },
      ]);
      await sleep(500);
    }
    await eventually(() => (screen.alerts.length > 0 ? true : undefined), 'a low-battery alert');
    await sleep(1500);
    expect(screen.alerts.filter((alert) => alert.kind === 'low-battery')).toEqual([
      {
        sessionId: live.sessionId,
        kind: 'low-battery',
        participantId: live.participantsByDevice.get(second),
        at: expect.any(Number),
      },
    ]);
  });

  it('pushes a strap nobody is paired with to the studio room as it appears', async () => {
    const socket = await open(tokenOf('display'));
    const pushed: StudioDevices[] = [];
    socket.on('studio:devices', (payload: unknown) => pushed.push(studioDevices.parse(payload)));
    const ack = studioSubscribeAck.parse(
      await socket.emitWithAck('studio:subscribe', { studioId: live.studioId }),
    );
    if (!ack.ok) throw new Error(ack.error.message);
    expect(ack.snapshot.unassigned.map((device) => device.deviceId)).not.toContain('ant:120:99999');

    await gateway.publishSamples([{ deviceId: 'ant:120:99999', ts: Date.now(), bpm: 90, battery: 55 }]);
    const list = await eventually(() => pushed.at(-1), 'studio:devices with the stranger');
    expect(list).toMatchObject({
      studioId: live.studioId,
      unassigned: [{ deviceId: 'ant:120:99999', status: { battery: 55, gatewayId: 'gw-live' } }],
    });
  });
});

function metric(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

const countValues = (packets: string[]) =>
  packets.filter((packet) => packet.startsWith('42/live,["hrm:values"')).length;

/** An engine.io long-polling client by hand: it reads only when the test says so. */
class PollingClient {
  private constructor(
    private readonly base: string,
    private nextAck = 0,
  ) {}

  static async open(url: string, token: string): Promise<PollingClient> {
    const handshake = await (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).text();
    const { sid } = z.object({ sid: z.string() }).parse(JSON.parse(handshake.slice(1)));
    const client = new PollingClient(`${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`);
    await client.send(`40/live,${JSON.stringify({ token })}`);
    await client.pollUntil((packets) => packets.some((packet) => packet.startsWith('40/live,')));
    return client;
  }

  async send(packet: string): Promise<void> {
    const response = await fetch(this.base, { method: 'POST', body: packet });
    if (!response.ok) throw new Error(`POST answered ${response.status}`);
  }

  /** One long poll: the packets the server had for us. */
  async poll(): Promise<string[]> {
    const body = await (await fetch(this.base)).text();
    return body.split('\x1e');
  }

  async pollUntil(done: (packets: string[]) => boolean): Promise<string[]> {
    const all: string[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const packets = await this.poll();
      all.push(...packets);
      if (done(packets)) return all;
    }
    throw new Error(`never got what was awaited; got ${all.join(' | ').slice(0, 500)}`);
  }

  /** An event with an ack id; resolves with the ack packet's text. */
  async request(event: string, payload: unknown): Promise<string> {
    const id = this.nextAck++;
    await this.send(`42/live,${id}${JSON.stringify([event, payload])}`);
    const packets = await this.pollUntil((batch) =>
      batch.some((packet) => packet.startsWith(`43/live,${id}`)),
    );
    return packets.find((packet) => packet.startsWith(`43/live,${id}`)) ?? '';
  }

  close(): void {
    void fetch(this.base, { method: 'POST', body: '1' }).catch(() => undefined);
  }
}
