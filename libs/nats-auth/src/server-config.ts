// The nats-server configuration of the trust chain: the operator JWT, the
// system account, and a full resolver whose directory holds the account JWTs
// (the API's revocations are pushed there and survive restarts).
import fs from 'node:fs';
import path from 'node:path';
import { decode, type Account } from '@nats-io/jwt';
import { accountJwt, operatorJwt, systemAccountJwt, type NatsAuthority } from './authority.js';

export interface TlsFiles {
  cert: string;
  key: string;
}

/** A configuration value in double quotes (a path may hold spaces). */
const quoted = (value: string) => JSON.stringify(value);

/**
 * Writes what the server needs under `dir` (operator JWT, resolver directory
 * with the two accounts, the revocations already there kept) and returns the
 * configuration text to include. Run before the server starts.
 */
export async function writeServerAuth(authority: NatsAuthority, dir: string): Promise<string> {
  const resolverDir = path.join(dir, 'accounts');
  fs.mkdirSync(resolverDir, { recursive: true, mode: 0o700 });
  const operatorFile = path.join(dir, 'operator.jwt');
  fs.writeFileSync(operatorFile, await operatorJwt(authority), { mode: 0o600 });
  fs.writeFileSync(
    path.join(resolverDir, `${authority.system.getPublicKey()}.jwt`),
    await systemAccountJwt(authority),
    {
      mode: 0o600,
    },
  );
  // The HRM account is issued afresh (this version's limits), keeping the
  // revocations the API pushed to the one already there.
  const accountFile = path.join(resolverDir, `${authority.account.getPublicKey()}.jwt`);
  const kept = fs.existsSync(accountFile) ? revocationsOf(fs.readFileSync(accountFile, 'utf8')) : {};
  fs.writeFileSync(accountFile, await accountJwt(authority, kept), { mode: 0o600 });
  return [
    `operator: ${quoted(operatorFile)}`,
    `system_account: ${authority.system.getPublicKey()}`,
    `resolver: { type: full, dir: ${quoted(resolverDir)}, allow_delete: false, interval: "2m" }`,
  ].join('\n');
}

function revocationsOf(token: string): Record<string, number> {
  return decode<Account>(token.trim()).nats.revocations ?? {};
}

/**
 * JetStream's fsync policy (`sync_interval`): `always` flushes each message
 * before its ack; a duration flushes that often. Null when unset (the
 * server's default, 2 minutes). The store directory stays on the command line.
 */
export function syncIntervalConfig(syncInterval: string | undefined): string | null {
  return syncInterval === undefined ? null : `jetstream { sync_interval: ${syncInterval} }`;
}

/** The client port over TLS. */
export function tlsConfig(tls: TlsFiles): string {
  return `tls: { cert_file: ${quoted(tls.cert)}, key_file: ${quoted(tls.key)}, timeout: 2 }`;
}

/**
 * A JetStream store written before NATS had auth holds its streams under the
 * anonymous global account (`jetstream/$G`); with auth on they are the HRM
 * account's. Moves them there once, before the server starts, so an upgraded
 * `npm start` keeps its log. True when it moved them.
 */
export function adoptAnonymousStore(storeDir: string, accountId: string): boolean {
  const anonymous = path.join(storeDir, 'jetstream', '$G');
  const account = path.join(storeDir, 'jetstream', accountId);
  if (!fs.existsSync(anonymous) || fs.existsSync(account)) return false;
  fs.renameSync(anonymous, account);
  return true;
}
