import { afterAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { temporaryDirectory } from '#testing';
import { StartError } from './start-error.js';
import { holdsStreams, parseNatsServerVersion, storeSwitchProblem, syncIntervalFor } from './nats-store.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A data directory whose stores hold a stream of the HRM account where `withStreams` says. */
function dataDir(withStreams: string[], empty: string[] = []): string {
  const dir = temporaryDirectory('hrm-nats-store');
  dirs.push(dir);
  for (const store of withStreams)
    fs.mkdirSync(path.join(dir, store, 'jetstream', 'ACCOUNT', 'streams', 'EVENTS'), { recursive: true });
  for (const store of empty) fs.mkdirSync(path.join(dir, store, 'jetstream', '$SYS'), { recursive: true });
  return dir;
}

describe("the nats-server's version", () => {
  it('is read from what --version prints', () => {
    expect(parseNatsServerVersion('nats-server: v2.9.10')).toEqual({ major: 2, minor: 9, patch: 10 });
    expect(parseNatsServerVersion('nats-server: v2.10.22\n')).toEqual({ major: 2, minor: 10, patch: 22 });
    expect(parseNatsServerVersion('nats-server: v2.11.0-RC.1')).toEqual({ major: 2, minor: 11, patch: 0 });
    expect(parseNatsServerVersion('command not found')).toBeNull();
  });
});

describe('HRM_NATS_SYNC_INTERVAL', () => {
  it('adds nothing when unset, whatever the server', () => {
    expect(syncIntervalFor(undefined, 'nats-server', 'nats-server: v2.9.10')).toBeUndefined();
  });

  it('is the jetstream sync_interval line on nats-server 2.10 and later', () => {
    expect(syncIntervalFor('always', 'nats-server', 'nats-server: v2.10.0')).toBe(
      'jetstream { sync_interval: always }',
    );
    expect(syncIntervalFor('10s', 'nats-server', 'nats-server: v2.12.1')).toBe(
      'jetstream { sync_interval: 10s }',
    );
    expect(syncIntervalFor('1s', 'nats-server', 'nats-server: v3.0.0')).toBe(
      'jetstream { sync_interval: 1s }',
    );
  });

  it('stops the start on an older server, or one whose version it cannot tell, with what to do', () => {
    const tooOld = () => syncIntervalFor('always', '/usr/sbin/nats-server', 'nats-server: v2.9.10');
    expect(tooOld).toThrow(StartError);
    expect(tooOld).toThrow(
      /^HRM_NATS_SYNC_INTERVAL needs nats-server 2\.10 or later and \/usr\/sbin\/nats-server is 2\.9\.10: put a newer nats-server first on PATH .*, or unset HRM_NATS_SYNC_INTERVAL$/,
    );
    expect(() => syncIntervalFor('always', 'nats-server', 'nats-server: v1.12.0')).toThrow(/is 1\.12\.0/);
    expect(() => syncIntervalFor('always', 'nats-server', 'what?')).toThrow(
      /cannot tell the version of nats-server \(it says "what\?"\)/,
    );
  });
});

describe('switching between one nats-server and a cluster', () => {
  it('sees streams in a store, and none in a missing, empty or system-only one', () => {
    expect(holdsStreams(path.join(dataDir(['nats']), 'nats'))).toBe(true);
    expect(holdsStreams(path.join(dataDir([], ['nats']), 'nats'))).toBe(false);
    expect(holdsStreams(path.join(dataDir([]), 'nats'))).toBe(false);
  });

  it('starts anything on a new data directory, and each layout on its own store', () => {
    expect(storeSwitchProblem(dataDir([]), 1)).toBeNull();
    expect(storeSwitchProblem(dataDir([]), 3)).toBeNull();
    expect(storeSwitchProblem(dataDir(['nats']), 1)).toBeNull();
    expect(storeSwitchProblem(dataDir(['nats-1', 'nats-2', 'nats-3']), 3)).toBeNull();
    // A single server that never made a stream leaves nothing to lose.
    expect(storeSwitchProblem(dataDir([], ['nats']), 3)).toBeNull();
    // Both were used already: each keeps its own store.
    expect(storeSwitchProblem(dataDir(['nats', 'nats-1', 'nats-2', 'nats-3']), 3)).toBeNull();
    expect(storeSwitchProblem(dataDir(['nats', 'nats-1', 'nats-2', 'nats-3']), 1)).toBeNull();
  });

  it("refuses a cluster on a single server's log, and one server on a cluster's, saying what to do", () => {
    const single = dataDir(['nats']);
    expect(storeSwitchProblem(single, 3)).toBe(
      `HRM_NATS_CLUSTER=3: ${path.join(single, 'nats')} holds the event log of the single nats-server, ` +
        'which a new cluster cannot take over (nats-server does not turn a single server into a cluster): ' +
        'start with HRM_NATS_CLUSTER=1 to keep using it, or set HRM_DATA_DIR to another directory to try the cluster',
    );
    const cluster = dataDir(['nats-1', 'nats-2', 'nats-3', 'nats-4', 'nats-5']);
    expect(storeSwitchProblem(cluster, 1)).toMatch(
      /^HRM_NATS_CLUSTER=1: .*nats-1 holds the event log of a 5-node cluster, .*start with HRM_NATS_CLUSTER=5 to keep using it/,
    );
  });
});
