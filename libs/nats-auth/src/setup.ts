// One directory with everything a deployment's NATS auth needs: the trust
// chain's seeds, the server's part of the configuration, and a credentials
// file for each of the platform's users. `npm start`, the compose setup
// service and the test harness all prepare it the same way.
import path from 'node:path';
import {
  accountAdminCreds,
  loadOrCreateAuthority,
  platformUserCreds,
  seedFile,
  writeSecret,
  type NatsAuthority,
} from './authority.js';
import { natsUserNames, type NatsUserName } from './permissions.js';
import { writeServerAuth } from './server-config.js';

export interface PreparedNatsAuth {
  authority: NatsAuthority;
  /** The `operator`, `system_account` and `resolver` lines of the server's configuration. */
  serverConfig: string;
  /** The credentials file of each platform user. */
  creds: Record<NatsUserName, string>;
  /** What the API needs to register and revoke gateways. */
  gatewayAdmin: { accountSignerFile: string; operatorSignerFile: string; accountAdminCredsFile: string };
}

/**
 * Prepares `dir` (keys reused from an earlier run; user credentials issued
 * afresh each time, which is harmless: every one stays valid).
 */
export async function prepareNatsAuth(dir: string): Promise<PreparedNatsAuth> {
  const authority = loadOrCreateAuthority(path.join(dir, 'keys'));
  const serverConfig = await writeServerAuth(authority, path.join(dir, 'server'));
  const credsDir = path.join(dir, 'creds');
  const creds = {} as Record<NatsUserName, string>;
  for (const name of natsUserNames) {
    const file = path.join(credsDir, `${name}.creds`);
    writeSecret(file, (await platformUserCreds(authority, name)).creds);
    creds[name] = file;
  }
  const accountAdminCredsFile = path.join(credsDir, 'account-admin.creds');
  writeSecret(accountAdminCredsFile, (await accountAdminCreds(authority)).creds);
  return {
    authority,
    serverConfig,
    creds,
    gatewayAdmin: {
      accountSignerFile: seedFile(authority.dir, 'accountSigner'),
      operatorSignerFile: seedFile(authority.dir, 'operatorSigner'),
      accountAdminCredsFile,
    },
  };
}

/** The environment a service gets for its NATS identity (the API also the gateway admin's files). */
export function natsAuthEnv(prepared: PreparedNatsAuth, user: NatsUserName): Record<string, string> {
  return {
    NATS_CREDS: prepared.creds[user],
    ...(user === 'api' && {
      NATS_ACCOUNT_SIGNER: prepared.gatewayAdmin.accountSignerFile,
      NATS_OPERATOR_SIGNER: prepared.gatewayAdmin.operatorSignerFile,
      NATS_ACCOUNT_ADMIN_CREDS: prepared.gatewayAdmin.accountAdminCredsFile,
    }),
  };
}
