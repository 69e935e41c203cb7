// How a client proves who it is: a NATS credentials file (NATS_CREDS) and,
// when the server speaks TLS, the certificate authority that signed it.
import fs from 'node:fs';
import { credsAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';

export interface NatsClientAuth {
  /** Path of a `.creds` file (user JWT and seed). */
  credsFile?: string | undefined;
  /** Path of the PEM certificate authority of the server's TLS certificate. */
  caFile?: string | undefined;
}

export function natsClientOptions(auth: NatsClientAuth): Partial<NodeConnectionOptions> {
  return {
    ...(auth.credsFile && { authenticator: credsAuthenticator(fs.readFileSync(auth.credsFile)) }),
    ...(auth.caFile && { tls: { caFile: auth.caFile } }),
  };
}

/** Connection options from the credentials text itself (e.g. a test's or the demo's gateway). */
export function credsOptions(creds: string): Partial<NodeConnectionOptions> {
  return { authenticator: credsAuthenticator(new TextEncoder().encode(creds)) };
}
