// What the demo remembers between starts (HRM_DATA_DIR/demo.json): the ids it
// created, so a restart reuses the studio, athletes and class. Each id is
// checked against the API before it is used; a corrupt file is ignored.
import path from 'node:path';
import { z } from 'zod';
import { entityId, subjectToken, type CreateMemberBody } from '#contracts';
import { readState, writeState } from './state-file.js';

export const DEMO_FILE = 'demo.json';
export const DEMO_GATEWAY_ID = 'demo-gateway';

/** Twelve athletes of different ages, sexes and builds, so zones and calories differ on the screen. */
export const DEMO_ATHLETES: readonly CreateMemberBody[] = [
  { displayName: 'Ana', birthYear: 1994, sex: 'female', weightKg: 58 },
  { displayName: 'Ben', birthYear: 1988, sex: 'male', weightKg: 82 },
  { displayName: 'Chloé', birthYear: 2001, sex: 'female', weightKg: 63 },
  { displayName: 'Dev', birthYear: 1979, sex: 'male', weightKg: 91 },
  { displayName: 'Elif', birthYear: 1985, sex: 'female', weightKg: 70 },
  { displayName: 'Farid', birthYear: 1996, sex: 'male', weightKg: 74 },
  { displayName: 'Grace', birthYear: 1972, sex: 'female', weightKg: 66 },
  { displayName: 'Hugo', birthYear: 2003, sex: 'male', weightKg: 68 },
  { displayName: 'Ines', birthYear: 1990, sex: 'female', weightKg: 55 },
  { displayName: 'Jonas', birthYear: 1967, sex: 'male', weightKg: 88 },
  { displayName: 'Kim', birthYear: 1999, sex: 'unspecified', weightKg: 72 },
  { displayName: 'Lena', birthYear: 1982, sex: 'female', weightKg: 61, restingHr: 52 },
];

export const demoState = z.object({
  studioId: entityId,
  gatewayId: subjectToken,
  /** By index into DEMO_ATHLETES; shorter when a previous start stopped half-way. */
  memberIds: z.array(entityId).max(DEMO_ATHLETES.length),
  sessionId: entityId.nullable(),
  /** A display token of the demo studio, for the socket.io-client snippet and the Screen link. */
  displayToken: z.string().min(16).max(512).nullable(),
  /** A coach token of the demo studio, for the Coach link (absent in files of older starts). */
  coachToken: z.string().min(16).max(512).nullable().default(null),
});
export type DemoState = z.infer<typeof demoState>;

export const demoFile = (dataDir: string) => path.join(dataDir, DEMO_FILE);

export const readDemoState = (dataDir: string): DemoState | null => readState(demoState, demoFile(dataDir));

/** 0600: it holds a display and a coach token. */
export function writeDemoState(dataDir: string, state: DemoState): void {
  writeState(demoFile(dataDir), state, 0o600);
}
