// What our nats-server(s) need decided before they start: the JetStream store
// of each (HRM_DATA_DIR/nats for one server, nats-1, nats-2, ... for a
// cluster), whether the data directory's existing store is the one asked for,
// and the sync_interval line, which only nats-server 2.10 or later accepts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { syncIntervalConfig } from '#nats-auth';
import { StartError } from './start-error.js';

/** The store of the single server: where `npm start` always kept it. */
export const singleStoreDir = (dataDir: string) => path.join(dataDir, 'nats');

/** A cluster node's store (NatsCluster's layout: `<dataDir>/<node name>`). */
export const nodeStoreDir = (dataDir: string, node: number) => path.join(dataDir, `nats-${node}`);

/** True when the store at `storeDir` holds a stream of any account but the system's. */
export function holdsStreams(storeDir: string): boolean {
  const jetstream = path.join(storeDir, 'jetstream');
  let accounts: string[];
  try {
    accounts = fs.readdirSync(jetstream);
  } catch {
    return false;
  }
  return accounts
    .filter((account) => account !== '$SYS')
    .some((account) => {
      try {
        return fs.readdirSync(path.join(jetstream, account, 'streams')).length > 0;
      } catch {
        return false;
      }
    });
}

/** The cluster sizes whose first node's store holds streams (nats-1 is in every cluster). */
function clusterWithStreams(dataDir: string): number | null {
  if (!holdsStreams(nodeStoreDir(dataDir, 1))) return null;
  let size = 1;
  while (fs.existsSync(nodeStoreDir(dataDir, size + 1))) size += 1;
  return size;
}

/**
 * Why this start must not go on with `size` servers, or null. nats-server
 * cannot turn one server's store into a cluster's (the cluster would not see
 * its streams, and the services would make new, empty ones beside the
 * database's read models of the old), nor the reverse: the first switch stops
 * with what to do instead of starting on an empty log.
 */
export function storeSwitchProblem(dataDir: string, size: number): string | null {
  if (size > 1) {
    if (fs.existsSync(nodeStoreDir(dataDir, 1)) || !holdsStreams(singleStoreDir(dataDir))) return null;
    return (
      `HRM_NATS_CLUSTER=${size}: ${singleStoreDir(dataDir)} holds the event log of the single nats-server, ` +
      'which a new cluster cannot take over (nats-server does not turn a single server into a cluster): ' +
      `start with HRM_NATS_CLUSTER=1 to keep using it, or set HRM_DATA_DIR to another directory to try the cluster`
    );
  }
  const cluster = clusterWithStreams(dataDir);
  if (cluster === null || holdsStreams(singleStoreDir(dataDir))) return null;
  return (
    `HRM_NATS_CLUSTER=1: ${nodeStoreDir(dataDir, 1)} holds the event log of a ${cluster}-node cluster, ` +
    `which a single nats-server cannot take over: start with HRM_NATS_CLUSTER=${cluster} to keep using it, ` +
    'or set HRM_DATA_DIR to another directory'
  );
}

export interface NatsVersion {
  major: number;
  minor: number;
  patch: number;
}

/** The version in `nats-server --version`'s output (`nats-server: v2.9.10`), or null. */
export function parseNatsServerVersion(text: string): NatsVersion | null {
  const match = /\bv?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (match === null) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** What `<binary> --version` prints (stdout, else stderr). */
export function natsServerVersionText(binary: string): string {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
}

/** The first nats-server that accepts `sync_interval`. */
export const SYNC_INTERVAL_SINCE: NatsVersion = { major: 2, minor: 10, patch: 0 };

const atLeast = (version: NatsVersion, since: NatsVersion) =>
  version.major !== since.major ? version.major > since.major : version.minor >= since.minor;

/**
 * The configuration line of HRM_NATS_SYNC_INTERVAL for a server whose
 * `--version` printed `versionText`: undefined when it is unset; a StartError
 * when that server is too old for it (2.9 stops at the unknown field).
 */
export function syncIntervalFor(
  syncInterval: string | undefined,
  binary: string,
  versionText: string,
): string | undefined {
  if (syncInterval === undefined) return undefined;
  const version = parseNatsServerVersion(versionText);
  const needed = `${SYNC_INTERVAL_SINCE.major}.${SYNC_INTERVAL_SINCE.minor}`;
  if (version === null || !atLeast(version, SYNC_INTERVAL_SINCE)) {
    const found =
      version === null
        ? `cannot tell the version of ${binary} (it says "${versionText}")`
        : `${binary} is ${version.major}.${version.minor}.${version.patch}`;
    throw new StartError(
      `HRM_NATS_SYNC_INTERVAL needs nats-server ${needed} or later and ${found}: ` +
        `put a newer nats-server first on PATH (https://github.com/nats-io/nats-server/releases), ` +
        'or unset HRM_NATS_SYNC_INTERVAL',
    );
  }
  return syncIntervalConfig(syncInterval) ?? undefined;
}
