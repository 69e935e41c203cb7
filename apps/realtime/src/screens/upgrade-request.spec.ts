import http, { type IncomingMessage } from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { releaseConnectionRequest, releaseUpgradeResponse } from './upgrade-request.js';

v8.setFlagsFromString('--expose-gc');
const gc: unknown = vm.runInNewContext('gc');
const collect = async () => {
  for (let i = 0; i < 3; i++) {
    if (typeof gc === 'function') gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
};

/** A Socket.IO server on /live, with or without the release; remembers each connection's first request weakly. */
async function serve(release: boolean) {
  const server = http.createServer();
  const io = new Server(server, { cors: { origin: true } });
  const requests: Array<WeakRef<IncomingMessage>> = [];
  const handshakes: Array<Socket['handshake']> = [];
  io.engine.on('connection', (raw: { request: IncomingMessage }) => requests.push(new WeakRef(raw.request)));
  if (release) io.engine.use(releaseUpgradeResponse);
  const live = io.of('/live');
  live.use((socket, next) => {
    if (release) releaseConnectionRequest(socket);
    handshakes.push(socket.handshake);
    next();
  });
  live.on('connection', (socket) =>
    socket.on('ping', (ack: unknown) => typeof ack === 'function' && ack('pong')),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/live`;
  return { io, url, requests, handshakes };
}

describe('releasing the request that opened a connection', () => {
  const clients: ClientSocket[] = [];
  let servers: Array<Awaited<ReturnType<typeof serve>>> = [];

  beforeAll(async () => {
    servers = [await serve(true), await serve(false)];
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const { io } of servers) await io.close();
  });

  const open = async (url: string, transports: Array<'websocket' | 'polling'>) => {
    const client = connect(url, { transports, forceNew: true, reconnection: false, auth: { token: 't' } });
    clients.push(client);
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    return client;
  };

  it('lets the request go once the handshake is built, over WebSocket and long polling, and the socket keeps working', async () => {
    const [released, kept] = servers;
    if (!released || !kept) throw new Error('servers not started');
    const sockets = [
      await open(released.url, ['websocket']),
      await open(released.url, ['polling']),
      await open(kept.url, ['websocket']),
    ];
    await collect();
    expect(released.requests.map((request) => request.deref())).toEqual([undefined, undefined]);
    // Without the release, engine.io holds a WebSocket's first request as long as the connection lives.
    expect(kept.requests[0]?.deref()).toBeDefined();
    for (const socket of sockets) expect(await socket.timeout(2000).emitWithAck('ping')).toBe('pong');
    // What Socket.IO took from it is still there.
    // A browser's default: long polling first, then the upgrade to WebSocket, after the release.
    const upgrading = await open(released.url, ['polling', 'websocket']);
    await new Promise<void>((resolve) => {
      if (upgrading.io.engine.transport.name === 'websocket') resolve();
      else upgrading.io.engine.once('upgrade', () => resolve());
    });
    expect(await upgrading.timeout(2000).emitWithAck('ping')).toBe('pong');
    expect(released.handshakes[0]).toMatchObject({
      auth: { token: 't' },
      headers: { host: expect.any(String) },
      query: { EIO: '4', transport: 'websocket' },
      url: expect.stringContaining('/socket.io/'),
    });
  });
});
