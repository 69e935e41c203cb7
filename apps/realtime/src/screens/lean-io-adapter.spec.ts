import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { EMPTY, of } from 'rxjs';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { LeanIoAdapter } from './lean-io-adapter.js';

const handler = (
  message: string,
  callback: (data: unknown, ack: unknown) => unknown,
  isAckHandledManually = false,
): MessageMappingProperties => ({
  message,
  methodName: message,
  callback: (...args: unknown[]) => Promise.resolve(callback(args[0], args[1])),
  isAckHandledManually,
});

describe('LeanIoAdapter', () => {
  const server = http.createServer();
  const io = new Server(server, { transports: ['websocket'] });
  // A failing handler is reported here, not on the console: the test expects it.
  const failures: Array<{ error: unknown; message: string }> = [];
  const adapter = new LeanIoAdapter(undefined, (error, message) => failures.push({ error, message }));
  const seen: Array<{ socket: string; data: unknown }> = [];
  let url = '';

  beforeAll(async () => {
    io.on('connection', (socket: Socket) => {
      adapter.bindMessageHandlers(
        socket,
        [
          handler('echo', (data) => {
            seen.push({ socket: socket.id, data });
            return { ok: true, data };
          }),
          handler('nothing', () => undefined),
          handler('stream', () => of({ ok: 'from an observable' })),
          handler('empty', () => EMPTY),
          handler('named', () => ({ event: 'named:reply', data: 42 })),
          handler(
            'manual',
            (_data, ack) => {
              if (typeof ack === 'function') ack('answered by the handler');
              return { ok: 'not sent' };
            },
            true,
          ),
          handler('broken', () => {
            throw new Error('handler failed');
          }),
        ],
        () => EMPTY,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });

  afterAll(async () => {
    await io.close();
  });

  const open = async (): Promise<ClientSocket> => {
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    return socket;
  };

  it('answers each socket’s ack from its own handler, as Nest’s adapter does', async () => {
    const [a, b] = [await open(), await open()];
    expect(await a.timeout(2000).emitWithAck('echo', { n: 1 })).toEqual({ ok: true, data: { n: 1 } });
    expect(await b.timeout(2000).emitWithAck('echo', 'two')).toEqual({ ok: true, data: 'two' });
    expect(seen.slice(-2)).toEqual([
      { socket: expect.any(String), data: { n: 1 } },
      { socket: expect.any(String), data: 'two' },
    ]);
    expect(seen.at(-2)?.socket).not.toBe(seen.at(-1)?.socket);
    // Several arguments reach the handler as one array; none as undefined.
    expect(await a.timeout(2000).emitWithAck('echo', 1, 2)).toEqual({ ok: true, data: [1, 2] });
    expect(await a.timeout(2000).emitWithAck('echo')).toEqual({ ok: true });
    expect(await a.timeout(2000).emitWithAck('stream', {})).toEqual({ ok: 'from an observable' });
    expect(await a.timeout(2000).emitWithAck('manual', {})).toBe('answered by the handler');
    // What saves the memory: one listener per event, the same function for every socket.
    const [first, second] = [...io.of('/').sockets.values()];
    expect(first?.listeners('echo')).toHaveLength(1);
    expect(first?.listeners('echo')[0]).toBe(second?.listeners('echo')[0]);
    a.close();
    b.close();
  });

  it('emits a result that names an event, and leaves an ack unanswered for nothing or a failure', async () => {
    const socket = await open();
    const named = new Promise<unknown>((resolve) => socket.once('named:reply', resolve));
    socket.emit('named', {});
    expect(await named).toBe(42);
    for (const event of ['nothing', 'empty', 'broken']) {
      await expect(socket.timeout(300).emitWithAck(event, {})).rejects.toThrow();
    }
    expect(failures).toEqual([{ error: new Error('handler failed'), message: 'broken' }]);
    // The socket still works after a handler failed.
    expect(await socket.timeout(2000).emitWithAck('echo', 'still here')).toEqual({
      ok: true,
      data: 'still here',
    });
    socket.close();
  });
});
