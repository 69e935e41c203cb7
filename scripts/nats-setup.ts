// The one-shot `nats-setup` service of docker-compose.yml: the NATS trust
// chain (operator and account keys, made on the first run and reused after),
// each platform user's creds, and the server's configuration file, all in
// NATS_AUTH_DIR (a named volume there). nats-server then runs with
// `-c NATS_AUTH_DIR/nats-server.conf`; each service mounts the volume read-only
// and reads its own creds.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadEnv, natsSetupEnv, type NatsSetupEnv } from '#config';
import {
  natsUserNames,
  prepareNatsAuth,
  seedFile,
  syncIntervalConfig,
  tlsConfig,
  writeSecret,
} from '#nats-auth';

export const SERVER_CONFIG_FILE = 'nats-server.conf';

export const USAGE = `usage: node dist/scripts/nats-setup.js

Prepares NATS's decentralized auth in NATS_AUTH_DIR (.data/nats-auth): the
operator and account keys (0600; made on the first run, reused after), a
creds file per platform user in creds/ (${natsUserNames.join(', ')},
account-admin), and ${SERVER_CONFIG_FILE}, which nats-server runs with (-c).

Environment (see natsSetupEnv in libs/config/src/env.ts):
  NATS_AUTH_DIR                 where it all goes (.data/nats-auth)
  NATS_TLS_CERT, NATS_TLS_KEY   serve the client port over TLS with these PEM files
                                (paths as nats-server sees them)
  HRM_NATS_SYNC_INTERVAL        JetStream's sync_interval: \`always\` (fsync before
                                each ack) or a duration such as 1s; unset: the
                                server's default (2m). nats-server 2.10 or later
`;

/**
 * The server's configuration: the trust chain, JetStream's sync_interval when
 * set (left out otherwise: nats-server before 2.10 refuses the field), and TLS
 * when asked. Compose runs every node of its cluster on this one file.
 */
export function serverConfigText(authConfig: string, env: NatsSetupEnv): string {
  const tls =
    env.NATS_TLS_CERT !== undefined && env.NATS_TLS_KEY !== undefined
      ? tlsConfig({ cert: env.NATS_TLS_CERT, key: env.NATS_TLS_KEY })
      : null;
  const sync = syncIntervalConfig(env.HRM_NATS_SYNC_INTERVAL);
  return [
    '# Written by scripts/nats-setup.ts on every run; the keys it names are kept.',
    '# Every client needs a creds file: anonymous connections are refused.',
    authConfig,
    ...(sync === null ? [] : [sync]),
    ...(tls === null ? [] : [tls]),
    '',
  ].join('\n');
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let env: NatsSetupEnv;
  try {
    env = loadEnv(natsSetupEnv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`nats-setup: ${error.message}\n`);
    return 2;
  }
  const dir = path.resolve(env.NATS_AUTH_DIR);
  const reused = fs.existsSync(seedFile(path.join(dir, 'keys'), 'operator'));
  const prepared = await prepareNatsAuth(dir);
  const configFile = path.join(dir, SERVER_CONFIG_FILE);
  writeSecret(configFile, serverConfigText(prepared.serverConfig, env));
  process.stdout.write(
    `nats-setup: ${reused ? 'reused' : 'made'} the operator ${prepared.authority.operator.getPublicKey()} ` +
      `and account ${prepared.authority.account.getPublicKey()} in ${dir}; wrote ${configFile}` +
      `${env.NATS_TLS_CERT === undefined ? '' : ' (TLS on)'}` +
      `${env.HRM_NATS_SYNC_INTERVAL === undefined ? '' : ` (sync_interval ${env.HRM_NATS_SYNC_INTERVAL})`} and the creds in ${path.join(dir, 'creds')}\n`,
  );
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  try {
    process.exitCode = await main();
  } catch (error) {
    process.stderr.write(`nats-setup: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
