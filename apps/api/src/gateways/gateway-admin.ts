// What registering and revoking a gateway needs of NATS's trust chain: the
// HRM account's id and signing key (each gateway's credentials), and a
// system-account connection that pushes the account JWT with a revocation to
// every server. The API has it only when it is given all of it; without it
// the gateway routes answer 503 and the rest of the API runs as before.
import fs from 'node:fs';
import { parseCreds } from '@nats-io/jwt';
import type { KeyPair } from '@nats-io/nkeys';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConfigError, type ApiEnv, type Logger } from '#config';
import { AccountUpdates, gatewayUserCreds, readSeed } from '#nats-auth';
import { connectNats } from '#platform';

const adminVariables = ['NATS_ACCOUNT_SIGNER', 'NATS_OPERATOR_SIGNER', 'NATS_ACCOUNT_ADMIN_CREDS'] as const;

export class GatewayAdmin {
  private constructor(
    private readonly accountId: string,
    private readonly accountSigner: KeyPair,
    private readonly updates: AccountUpdates,
  ) {}

  /** A gateway's new credentials: the seed is in `creds` only; `publicKey` is what revokes them. */
  issue(studioId: string, gatewayId: string): Promise<{ creds: string; publicKey: string }> {
    return gatewayUserCreds(this.accountId, this.accountSigner, studioId, gatewayId);
  }

  /** Every server closes the user's connections at once and refuses its credentials from then on. */
  revoke(publicKey: string): Promise<void> {
    return this.updates.revoke(publicKey);
  }

  /**
   * The gateway admin of this API, with its system-account connection (the caller drains it on
   * shutdown), or undefined when none of its variables is set. Some but not all: a ConfigError.
   */
  static async connect(
    env: ApiEnv,
    instance: string,
    logger: Logger,
  ): Promise<{ admin: GatewayAdmin; system: NatsConnection } | undefined> {
    const { NATS_ACCOUNT_SIGNER: accountSigner, NATS_OPERATOR_SIGNER: operatorSigner } = env;
    const adminCreds = env.NATS_ACCOUNT_ADMIN_CREDS;
    const missing = adminVariables.filter((name) => env[name] === undefined);
    if (missing.length === adminVariables.length) {
      logger.warn('gateway registration is off: no NATS signing keys (its routes answer 503)', { missing });
      return undefined;
    }
    if (accountSigner === undefined || operatorSigner === undefined || adminCreds === undefined) {
      throw new ConfigError(`invalid configuration: gateway registration also needs ${missing.join(', ')}`);
    }
    if (env.NATS_CREDS === undefined) {
      throw new ConfigError('invalid configuration: gateway registration needs NATS_CREDS (the API user)');
    }
    const accountId = await accountOf(env.NATS_CREDS);
    const system = await connectNats(
      { NATS_URL: env.NATS_URL, NATS_CREDS: adminCreds, NATS_TLS_CA: env.NATS_TLS_CA },
      `${instance}-account-admin`,
      logger,
    );
    const updates = new AccountUpdates(system, accountId, readSeed(operatorSigner));
    return { admin: new GatewayAdmin(accountId, readSeed(accountSigner), updates), system };
  }
}

/**
 * The account the API's own user belongs to, which its gateways join: the
 * account a signing key signed the user's JWT for (`issuer_account`).
 */
async function accountOf(credsFile: string): Promise<string> {
  const { aid } = await parseCreds(fs.readFileSync(credsFile));
  if (!/^A[A-Z2-7]{55}$/.test(aid)) {
    throw new ConfigError(`invalid configuration: NATS_CREDS names no account (${aid.slice(0, 60)})`);
  }
  return aid;
}
