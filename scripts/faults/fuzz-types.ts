// What the fuzzer aims at and what it records.

/**
 * The fault suite runs ingest with the production bound on future samples (README: 10 s), not the
 * test stacks' wider one: a sample a minute ahead must be refused here.
 */
export const FAULTS_ENV = { INGEST_MAX_FUTURE_MS: '10000' } as const;

export interface FuzzFailure {
  surface: 'gateway' | 'credentials' | 'sockets' | 'rest' | 'stack';
  /** The input's position in its surface's sequence (rerun with the same seed to get it again). */
  index: number;
  seed: number;
  problem: string;
  /** The input, truncated. */
  input: string;
}

export interface FuzzClass {
  studioId: string;
  sessionId: string;
  devices: readonly string[];
  memberIds: readonly string[];
  participantIds: readonly string[];
}

export interface FuzzTargets {
  /** A class whose events and history no input may change. */
  control: FuzzClass;
  /** A class inputs may legitimately change (valid samples, commands of its own coach). */
  fuzz: FuzzClass;
  /** Tokens of the fuzz studio. */
  tokens: { coach: string; display: string; operator: string };
  adminToken: string;
}
