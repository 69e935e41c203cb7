// Ports of the stack's own nats-server and Postgres: never the standard ones
// (the user may run NATS or Postgres there), and the same from one start to
// the next when they are free, so URLs the user copied keep working.
import net from 'node:net';
import { freePort } from '#localstack';

export { PORTS_FILE, portMemory, readPortMemory, writePortMemory, type PortMemory } from './port-memory.js';

/** Tried first on a machine where nothing is remembered yet. */
export const PREFERRED_PORTS = { nats: 14222, postgres: 15432 } as const;

/** Ports that belong to someone else by convention. */
export const STANDARD_PORTS: readonly number[] = [4222, 5432, 6222, 8222];

/** True when a server could listen on 127.0.0.1:port right now. */
export async function canListen(candidate: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(candidate, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface PortChoice {
  /** In order of preference: e.g. the remembered port, then the preferred one. */
  candidates: ReadonlyArray<number | undefined>;
  /** Ports that must not be used: the standard ones and those already taken by the stack. */
  avoid: readonly number[];
  isFree?: (candidate: number) => Promise<boolean>;
  fallback?: () => Promise<number>;
}

/** The first free candidate that is not avoided, else a free port from the system. */
export async function choosePort(choice: PortChoice): Promise<number> {
  const isFree = choice.isFree ?? canListen;
  const fallback = choice.fallback ?? freePort;
  const allowed = (candidate: number) =>
    !choice.avoid.includes(candidate) && !STANDARD_PORTS.includes(candidate);
  for (const candidate of choice.candidates) {
    if (candidate !== undefined && allowed(candidate) && (await isFree(candidate))) return candidate;
  }
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const candidate = await fallback();
    if (allowed(candidate)) return candidate;
  }
  throw new Error('no free port found');
}
