// How the bench reaches a NATS server that runs the platform's auth (issue 16):
// the services as their own users, the bench's readers of the log as the
// `tools` user, what stands in for a service (heart-rate events published as
// ingest would) as that service's user, and every simulated gateway with a
// gateway's own credentials and inbox prefix, as a real one connects. A server without auth
// (an outside NATS_URL, or the auth-cost scenario's other side) takes the same
// calls anonymously.
import fs from 'node:fs';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import {
  credsOptions,
  gatewayInboxPrefix,
  gatewayUserCreds,
  natsAuthEnv,
  type NatsUserName,
  type PreparedNatsAuth,
} from '#nats-auth';

export interface NatsAccess {
  url: string;
  /** Null when the server takes anonymous clients. */
  auth: PreparedNatsAuth | null;
  /** Options of one of the platform's users (`tools` may do anything in the account). */
  options(user: NatsUserName, name: string): NodeConnectionOptions;
  /** A connection as that user; the caller closes it. */
  connect(user: NatsUserName, name: string): Promise<NatsConnection>;
  /** Options of a gateway: its own credentials (permissions of its two subjects) and inbox prefix. */
  gatewayOptions(studioId: string, gatewayId: string): Promise<NodeConnectionOptions>;
  /** The environment of a service or child process: where NATS is and who it is there. */
  env(user: NatsUserName): Record<string, string>;
}

export function natsAccess(url: string, auth: PreparedNatsAuth | null): NatsAccess {
  const options = (user: NatsUserName, name: string): NodeConnectionOptions => ({
    servers: url,
    name,
    ...(auth !== null && credsOptions(fs.readFileSync(auth.creds[user], 'utf8'))),
  });
  return {
    url,
    auth,
    options,
    connect: (user, name) => connect(options(user, name)),
    gatewayOptions: async (studioId, gatewayId) => {
      const base = {
        servers: url,
        name: `gateway ${studioId}/${gatewayId}`,
        inboxPrefix: gatewayInboxPrefix(studioId, gatewayId),
      };
      if (auth === null) return base;
      const { account, accountSigner } = auth.authority;
      const { creds } = await gatewayUserCreds(account.getPublicKey(), accountSigner, studioId, gatewayId);
      return { ...base, ...credsOptions(creds) };
    },
    env: (user) => ({ NATS_URL: url, ...(auth !== null && natsAuthEnv(auth, user)) }),
  };
}
