// Changes to the HRM account's JWT while the servers run: a revoked user's
// connections are closed and its credentials refused by every server that
// gets the update (a full resolver passes it to the rest of a cluster).
import { decode, encodeAccount, type Account, type ClaimsData } from '@nats-io/jwt';
import type { KeyPair } from '@nats-io/nkeys';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';

/** The server's answer to a claims update or lookup error. */
const updateReply = z.object({
  data: z.object({ code: z.number(), message: z.string().optional() }).optional(),
  error: z.object({ code: z.number().optional(), description: z.string().optional() }).optional(),
});

export class AccountUpdateError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class AccountUpdates {
  /**
   * @param system a connection as the system account's account-admin user
   * @param operatorSigner the operator's signing key, which issues the account JWT
   */
  constructor(
    private readonly system: NatsConnection,
    private readonly accountId: string,
    private readonly operatorSigner: KeyPair,
    private readonly timeoutMs = 3000,
  ) {}

  /** The account JWT the servers hold now. */
  async current(): Promise<ClaimsData<Account>> {
    const reply = await this.system.request(`$SYS.REQ.ACCOUNT.${this.accountId}.CLAIMS.LOOKUP`, '', {
      timeout: this.timeoutMs,
    });
    const token = reply.string().trim();
    if (!token.startsWith('ey'))
      throw new AccountUpdateError(`account lookup answered: ${token.slice(0, 200)}`);
    const claims = decode<Account>(token);
    if (claims.sub !== this.accountId)
      throw new AccountUpdateError('account lookup answered another account');
    return claims;
  }

  /** Whether the user's credentials issued up to now are revoked. */
  async isRevoked(userPublicKey: string): Promise<boolean> {
    const claims = await this.current();
    return (claims.nats.revocations?.[userPublicKey] ?? 0) > 0;
  }

  /**
   * Revokes every credential of the user issued up to now: the account JWT is
   * issued again with the revocation and pushed; read back to be sure another
   * writer's update did not replace it (retried then).
   */
  async revoke(userPublicKey: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const claims = await this.current();
      const revocations = { ...claims.nats.revocations };
      if ((revocations[userPublicKey] ?? 0) > 0) return;
      // The server takes an account JWT issued later than the one it has (seconds).
      while (Math.floor(Date.now() / 1000) <= claims.iat) await sleep(100);
      revocations[userPublicKey] = Math.floor(Date.now() / 1000);
      const token = await encodeAccount(
        claims.name,
        this.accountId,
        { ...claims.nats, revocations },
        { signer: this.operatorSigner },
      );
      const reply = await this.system.request('$SYS.REQ.CLAIMS.UPDATE', token, { timeout: this.timeoutMs });
      const parsed = updateReply.safeParse(reply.json());
      if (!parsed.success || parsed.data.error !== undefined || parsed.data.data?.code !== 200) {
        throw new AccountUpdateError(`account update refused: ${reply.string().slice(0, 300)}`);
      }
      if (await this.isRevoked(userPublicKey)) return;
    }
    throw new AccountUpdateError('the account kept changing: revocation not confirmed');
  }
}
