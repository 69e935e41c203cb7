import { afterAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PORTS_FILE, choosePort, canListen, readPortMemory, writePortMemory } from './ports.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-ports-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const free =
  (...busy: number[]) =>
  async (port: number) =>
    !busy.includes(port);
const fallbackTo = (...ports: number[]) => {
  const queue = [...ports];
  return async () => queue.shift() ?? 0;
};

describe('port memory', () => {
  it('remembers the ports it is given', () => {
    writePortMemory(dir, { nats: 14222, postgres: 15433 });
    expect(readPortMemory(dir)).toEqual({ nats: 14222, postgres: 15433 });
  });

  it('reads a missing, corrupt or wrong file as nothing remembered', () => {
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    expect(readPortMemory(empty)).toEqual({});
    for (const text of [
      '{"nats": 14',
      'null',
      '[]',
      '{"nats": "x"}',
      '{"nats": 80}',
      '{"postgres": 70000}',
    ]) {
      fs.writeFileSync(path.join(empty, PORTS_FILE), text);
      expect(readPortMemory(empty)).toEqual({});
    }
  });
});

describe('choosing a port', () => {
  it('takes the first free candidate', async () => {
    const port = await choosePort({ candidates: [undefined, 20001, 20002], avoid: [], isFree: free() });
    expect(port).toBe(20001);
  });

  it('skips busy, avoided and standard ports', async () => {
    const port = await choosePort({
      candidates: [4222, 20001, 20002, 20003],
      avoid: [20002],
      isFree: free(20001),
    });
    expect(port).toBe(20003);
  });

  it('falls back to a port from the system, never a standard or avoided one', async () => {
    const port = await choosePort({
      candidates: [20001],
      avoid: [3000],
      isFree: free(20001),
      fallback: fallbackTo(5432, 3000, 41234),
    });
    expect(port).toBe(41234);
  });

  it('sees a port someone listens on as taken', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const taken = typeof address === 'object' && address !== null ? address.port : 0;
    expect(await canListen(taken)).toBe(false);
    const port = await choosePort({ candidates: [taken], avoid: [] });
    expect(port).not.toBe(taken);
    await new Promise((resolve) => server.close(resolve));
    expect(await canListen(taken)).toBe(true);
  });
});
