// The platform's NATS trust chain, NATS's own decentralized auth: an operator
// (whose JWT the server trusts), a system account (for the server's own
// requests), and one account, HRM, in which every service and gateway is a
// user with its own permissions. The keys live in one directory, each seed in
// a file of mode 0600, made on first use and reused after.
import fs from 'node:fs';
import path from 'node:path';
import { createAccount, createOperator, createUser, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { gatewayPermissions, userPermissions, type NatsUserName } from './permissions.js';

/** Seeds of the trust chain, by file name under the authority directory. */
const seedFiles = {
  operator: 'operator.nk',
  operatorSigner: 'operator-signer.nk',
  system: 'system-account.nk',
  account: 'account.nk',
  accountSigner: 'account-signer.nk',
} as const;
type SeedName = keyof typeof seedFiles;

const makers: Record<SeedName, () => KeyPair> = {
  operator: createOperator,
  operatorSigner: createOperator,
  system: createAccount,
  account: createAccount,
  accountSigner: createAccount,
};

/** An account may do everything NATS limits (the users' permissions are the limit). */
const unlimited = {
  subs: -1,
  data: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  wildcards: true,
  conn: -1,
  leaf: -1,
} as const;
const jetStreamUnlimited = { mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 } as const;

export const ACCOUNT_NAME = 'HRM';

export interface NatsAuthority {
  dir: string;
  operator: KeyPair;
  operatorSigner: KeyPair;
  system: KeyPair;
  account: KeyPair;
  accountSigner: KeyPair;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Writes a secret file readable by its owner only (the directory too). */
export function writeSecret(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** Reads an nkey seed file (`S…`), refusing anything else. */
export function readSeed(file: string): KeyPair {
  const seed = fs.readFileSync(file, 'utf8').trim();
  if (!/^S[OAU][A-Z2-7]{56}$/.test(seed)) throw new Error(`${file} is not an nkey seed`);
  return fromSeed(new TextEncoder().encode(seed));
}

/** Loads the trust chain from `dir`, creating what is missing (0600 files). */
export function loadOrCreateAuthority(dir: string): NatsAuthority {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const load = (name: SeedName): KeyPair => {
    const file = path.join(dir, seedFiles[name]);
    if (fs.existsSync(file)) return readSeed(file);
    const pair = makers[name]();
    writeSecret(file, text(pair.getSeed()) + '\n');
    return pair;
  };
  return {
    dir,
    operator: load('operator'),
    operatorSigner: load('operatorSigner'),
    system: load('system'),
    account: load('account'),
    accountSigner: load('accountSigner'),
  };
}

/** Path of a seed file of the authority, e.g. for the API's gateway signer. */
export function seedFile(dir: string, name: SeedName): string {
  return path.join(dir, seedFiles[name]);
}

export function operatorJwt(authority: NatsAuthority): Promise<string> {
  return encodeOperator('hrm', authority.operator, {
    system_account: authority.system.getPublicKey(),
    signing_keys: [authority.operatorSigner.getPublicKey()],
  });
}

export function systemAccountJwt(authority: NatsAuthority): Promise<string> {
  return encodeAccount('SYS', authority.system, { limits: unlimited }, { signer: authority.operator });
}

/** The HRM account, with the user revocations given (the API adds them while it runs). */
export function accountJwt(
  authority: NatsAuthority,
  revocations: Record<string, number> = {},
): Promise<string> {
  return encodeAccount(
    ACCOUNT_NAME,
    authority.account,
    {
      limits: { ...unlimited, ...jetStreamUnlimited },
      signing_keys: [authority.accountSigner.getPublicKey()],
      revocations,
    },
    { signer: authority.operatorSigner },
  );
}

/** The standard NATS credentials file (user JWT and seed) of a new user. */
export async function userCreds(
  name: string,
  accountId: string,
  signer: KeyPair,
  permissions: ReturnType<typeof userPermissions>,
): Promise<{ creds: string; publicKey: string }> {
  const user = createUser();
  const token = await encodeUser(name, user, accountId, permissions, { signer });
  return { creds: text(fmtCreds(token, user)), publicKey: user.getPublicKey() };
}

/** Credentials of one of the platform's own users, signed by the account's signing key. */
export function platformUserCreds(authority: NatsAuthority, name: NatsUserName) {
  return userCreds(name, authority.account.getPublicKey(), authority.accountSigner, userPermissions(name));
}

/** A system-account user that may only look up and update account JWTs (revocations). */
export function accountAdminCreds(authority: NatsAuthority) {
  return userCreds('account-admin', authority.system.getPublicKey(), authority.system, {
    pub: { allow: ['$SYS.REQ.CLAIMS.UPDATE', '$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP'] },
    sub: { allow: ['_INBOX.>'] },
  });
}

/** A gateway's credentials: it may publish its own two subjects and hear its own replies. */
export function gatewayUserCreds(accountId: string, signer: KeyPair, studioId: string, gatewayId: string) {
  return userCreds(
    `gateway ${studioId}/${gatewayId}`,
    accountId,
    signer,
    gatewayPermissions(studioId, gatewayId),
  );
}
