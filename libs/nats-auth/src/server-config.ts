// The nats-server configuration of the trust chain: the operator JWT, the
// system account, and a full resolver whose directory holds the account JWTs
// (the API's revocations are pushed there and survive restarts).
import fs from 'node:fs';
import path from 'node:path';
import { accountJwt, operatorJwt, systemAccountJwt, type NatsAuthority } from './authority.js';

export interface TlsFiles {
  cert: string;
  key: string;
}

/** A configuration value in double quotes (a path may hold spaces). */
const quoted = (value: string) => JSON.stringify(value);

/**
 * Writes what the server needs under `dir` (operator JWT, resolver directory
 * with the two accounts, unless newer ones are already there) and returns the
 * configuration text to include.
 */
export async function writeServerAuth(authority: NatsAuthority, dir: string): Promise<string> {
  const resolverDir = path.join(dir, 'accounts');
  fs.mkdirSync(resolverDir, { recursive: true, mode: 0o700 });
  const operatorFile = path.join(dir, 'operator.jwt');
  fs.writeFileSync(operatorFile, await operatorJwt(authority), { mode: 0o600 });
  const accounts: Array<[string, () => Promise<string>]> = [
    [authority.system.getPublicKey(), () => systemAccountJwt(authority)],
    [authority.account.getPublicKey(), () => accountJwt(authority)],
  ];
  for (const [id, issue] of accounts) {
    const file = path.join(resolverDir, `${id}.jwt`);
    // An account JWT already there may carry revocations: it is kept.
    if (!fs.existsSync(file)) fs.writeFileSync(file, await issue(), { mode: 0o600 });
  }
  return [
    `operator: ${quoted(operatorFile)}`,
    `system_account: ${authority.system.getPublicKey()}`,
    `resolver: { type: full, dir: ${quoted(resolverDir)}, allow_delete: false, interval: "2m" }`,
  ].join('\n');
}

/** The client port over TLS. */
export function tlsConfig(tls: TlsFiles): string {
  return `tls: { cert_file: ${quoted(tls.cert)}, key_file: ${quoted(tls.key)}, timeout: 2 }`;
}
