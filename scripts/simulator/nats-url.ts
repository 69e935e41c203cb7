// Which NATS the simulator publishes to when --nats is not given: the stack's
// that `npm start` runs from this folder (its port is remembered in
// HRM_DATA_DIR/ports.json), else NATS_URL, else the standard port.
import path from 'node:path';
import { PORTS_FILE, readPortMemory } from '../stack/port-memory.js';

export const STANDARD_NATS_URL = 'nats://127.0.0.1:4222';

/** Where the URL came from; `stack` names the ports file it was read from. */
export type NatsUrlSource =
  { kind: 'flag' } | { kind: 'stack'; file: string } | { kind: 'env' } | { kind: 'standard' };

export interface NatsUrlChoice {
  url: string;
  source: NatsUrlSource;
}

export function resolveNatsUrl({
  flag,
  env,
}: {
  flag: string | undefined;
  env: NodeJS.ProcessEnv;
}): NatsUrlChoice {
  if (flag !== undefined) return { url: flag, source: { kind: 'flag' } };
  const dataDir = env.HRM_DATA_DIR ?? '.data';
  const stackPort = readPortMemory(dataDir).nats;
  if (stackPort !== undefined) {
    return {
      url: `nats://127.0.0.1:${stackPort}`,
      source: { kind: 'stack', file: path.join(dataDir, PORTS_FILE) },
    };
  }
  if (env.NATS_URL !== undefined && env.NATS_URL !== '')
    return { url: env.NATS_URL, source: { kind: 'env' } };
  return { url: STANDARD_NATS_URL, source: { kind: 'standard' } };
}

/** Where the URL came from, for a person: `(--nats)`, `(the stack's, from .data/ports.json)`. */
export function describeNatsSource(source: NatsUrlSource): string {
  switch (source.kind) {
    case 'flag':
      return '--nats';
    case 'stack':
      return `the stack's, from ${source.file}`;
    case 'env':
      return 'NATS_URL';
    case 'standard':
      return 'the standard port; no stack ports file and no NATS_URL';
  }
}
