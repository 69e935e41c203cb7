// The ports the stack remembers in HRM_DATA_DIR/ports.json. Only a reader and a
// writer, with no import of #localstack: tools beside the stack (the simulator)
// read it without pulling in the stack's process handling.
import path from 'node:path';
import { z } from 'zod';
import { readState, writeState } from './state-file.js';

export const PORTS_FILE = 'ports.json';

const port = z.int().min(1024).max(65535);

export const portMemory = z.looseObject({
  /** Our single nats-server's client port; with a cluster, its first node's (where the simulator publishes). */
  nats: port.optional(),
  /** Each node's client port of our cluster (HRM_NATS_CLUSTER), in node order. */
  natsCluster: z.array(port).optional(),
  postgres: port.optional(),
  /** The API's port of the last start, for `npm run status` (scripts/stack/status-report.ts). */
  api: z.int().min(1).max(65535).optional(),
});
export type PortMemory = z.infer<typeof portMemory>;

export const readPortMemory = (dataDir: string): PortMemory =>
  readState(portMemory, path.join(dataDir, PORTS_FILE)) ?? {};

export function writePortMemory(dataDir: string, memory: PortMemory): void {
  writeState(path.join(dataDir, PORTS_FILE), memory);
}
