// `engines.node` in package.json is a promise to users: every package the lock
// installs must accept the lowest Node it allows, or `npm ci` on that Node
// prints EBADENGINE and code that needs a newer Node may fail at run time.
// Read from package-lock.json, which records each package's `engines`, so the
// check needs no install and runs the same on every Node.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import semver from 'semver';
import { z } from 'zod';

const root = path.resolve(import.meta.dirname, '..');

const manifest = z.object({ engines: z.object({ node: z.string() }) });
// Old packages wrote `engines` as an array of strings ("node >= 0.8"); npm ignores those.
const lockedPackage = z.object({
  version: z.string().optional(),
  engines: z.union([z.record(z.string(), z.string()), z.array(z.string())]).optional(),
  optional: z.boolean().optional(),
  os: z.array(z.string()).optional(),
});
const lockFile = z.object({ lockfileVersion: z.literal(3), packages: z.record(z.string(), lockedPackage) });

const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

/** Every locked package whose `engines.node` refuses `nodeVersion`, as `name@version needs range`. */
function packagesRefusing(lock: z.infer<typeof lockFile>, nodeVersion: string): string[] {
  const refusing: string[] = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '' || entry.engines === undefined || Array.isArray(entry.engines)) continue;
    const range = entry.engines.node;
    if (range === undefined) continue;
    if (!semver.satisfies(nodeVersion, range, { includePrerelease: true })) {
      const name = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
      refusing.push(`${name}@${entry.version ?? '?'} needs node ${range}`);
    }
  }
  return refusing;
}

describe('Node versions', () => {
  const { engines } = manifest.parse(readJson('package.json'));
  const lock = lockFile.parse(readJson('package-lock.json'));
  const lowest = semver.minVersion(engines.node);

  it('package.json names a lowest Node, and the lock agrees with it', () => {
    expect(lowest?.version).toBeDefined();
    expect(lock.packages['']?.engines).toEqual({ node: engines.node });
  });

  it('every package in the lock runs on the lowest Node that engines allows', () => {
    expect(packagesRefusing(lock, lowest?.version ?? '0.0.0')).toEqual([]);
  });

  it('finds a package that needs a newer Node (the check itself works)', () => {
    const needsNode22 = lockFile.parse({
      lockfileVersion: 3,
      packages: {
        '': { engines: { node: '>=20.19' } },
        'node_modules/a/node_modules/@nats-io/nuid': { version: '3.0.0', engines: { node: '>= 22.x' } },
        'node_modules/old': { version: '1.0.0', engines: ['node >= 0.8'] },
        'node_modules/fine': { version: '1.0.0', engines: { node: '>=18' } },
      },
    });
    expect(packagesRefusing(needsNode22, '20.19.0')).toEqual(['@nats-io/nuid@3.0.0 needs node >= 22.x']);
  });
});
