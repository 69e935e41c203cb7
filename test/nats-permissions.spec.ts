// The NATS permissions as the server enforces them: a real nats-server with
// the platform's trust chain, and every user's denied publishes and
// subscriptions tried one by one (issue 16). What a service may not do here,
// no bug in it and no stolen gateway can make it do.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { commandSubjects, eventSubjects, gatewaySubjects, spotifySubjects, streams } from '#contracts';
import { NatsServer, freePort, localCertificate } from '#localstack';
import {
  AccountUpdates,
  adoptAnonymousStore,
  credsOptions,
  gatewayInboxPrefix,
  gatewayUserCreds,
  loadOrCreateAuthority,
  natsUserNames,
  permissionsMarkdown,
  platformUserCreds,
  prepareNatsAuth,
  readSeed,
  userTable,
  type PreparedNatsAuth,
} from '#nats-auth';
import { temporaryDirectory } from '#testing';

const serviceUsers = Object.keys(userTable) as Array<keyof typeof userTable>;

/** A concrete subject inside a permission's wildcard one. */
const concrete = (subject: string) => subject.replaceAll('*', 'x').replace(/>$/, 'x');

/**
 * Runs `act` on the connection and answers the server's permission error it
 * caused, or null: the server sends its -ERR before the PONG of the flushes.
 */
async function refusal(nc: NatsConnection, act: () => void): Promise<string | null> {
  const errors: string[] = [];
  const listening = (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error') errors.push(status.error.message);
    }
  })();
  act();
  await nc.flush();
  await nc.flush();
  await new Promise((resolve) => setImmediate(resolve));
  void listening;
  return errors.find((message) => message.includes('Permissions Violation')) ?? null;
}

const publishRefused = (nc: NatsConnection, subject: string) =>
  refusal(nc, () => nc.publish(subject, 'probe'));

async function subscribeRefused(nc: NatsConnection, subject: string): Promise<string | null> {
  const subscriptions: Array<ReturnType<NatsConnection['subscribe']>> = [];
  const refused = await refusal(nc, () => subscriptions.push(nc.subscribe(subject)));
  for (const subscription of subscriptions) subscription.unsubscribe();
  return refused;
}

/** The error a connection attempt fails with, or null when it connects. */
async function connectError(options: NodeConnectionOptions): Promise<string | null> {
  try {
    const nc = await connect({ ...options, reconnect: false });
    await nc.close();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('NATS auth, against a real nats-server', () => {
  let dir: string;
  let auth: PreparedNatsAuth;
  let server: NatsServer;
  const open: NatsConnection[] = [];

  const as = async (creds: string, extra: Partial<NodeConnectionOptions> = {}) => {
    const nc = await connect({ servers: server.url, ...credsOptions(creds), reconnect: false, ...extra });
    open.push(nc);
    return nc;
  };
  const asUser = (name: (typeof natsUserNames)[number]) => as(fs.readFileSync(auth.creds[name], 'utf8'));
  const gateway = (studioId: string, gatewayId: string) =>
    gatewayUserCreds(
      auth.authority.account.getPublicKey(),
      auth.authority.accountSigner,
      studioId,
      gatewayId,
    );

  /** Revokes the user through `admin`: ms until `victim` is closed, or null when not within 5 s. */
  const revokeAndTimeClose = async (admin: NatsConnection, publicKey: string, victim: NatsConnection) => {
    const updates = new AccountUpdates(
      admin,
      auth.authority.account.getPublicKey(),
      readSeed(auth.gatewayAdmin.operatorSignerFile),
    );
    const started = Date.now();
    await updates.revoke(publicKey);
    return Promise.race([
      victim.closed().then(() => Date.now() - started),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000)),
    ]);
  };

  beforeAll(async () => {
    dir = temporaryDirectory('hrm-nats-auth');
    auth = await prepareNatsAuth(path.join(dir, 'auth'));
    server = await NatsServer.start({ dataDir: path.join(dir, 'nats'), auth: auth.serverConfig });
    const tools = await asUser('tools');
    await jetstreamManager(tools).then((jsm) =>
      jsm.streams.add({ name: streams.ingress.name, subjects: [...streams.ingress.subjects] }),
    );
  });

  afterAll(async () => {
    for (const nc of open) await nc.close().catch(() => undefined);
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an anonymous connection, and credentials from another trust chain, with the authorization error', async () => {
    expect(await connectError({ servers: server.url })).toMatch(/Authorization Violation/);
    const stranger = loadOrCreateAuthority(path.join(dir, 'stranger'));
    const forged = await platformUserCreds(stranger, 'tools');
    expect(await connectError({ servers: server.url, ...credsOptions(forged.creds) })).toMatch(
      /Authorization Violation/,
    );
  });

  it('keeps the trust chain in files of mode 0600 and reuses them on the next start', async () => {
    const keys = path.join(dir, 'auth', 'keys');
    for (const file of fs.readdirSync(keys)) {
      expect([file, fs.statSync(path.join(keys, file)).mode & 0o777]).toEqual([file, 0o600]);
    }
    for (const file of Object.values(auth.creds)) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = await prepareNatsAuth(path.join(dir, 'auth'));
    expect(again.authority.operator.getPublicKey()).toBe(auth.authority.operator.getPublicKey());
    expect(again.authority.account.getPublicKey()).toBe(auth.authority.account.getPublicKey());
  });

  describe.each(serviceUsers)('the %s user', (name) => {
    it('is refused every publish and subscription the table denies it', async () => {
      const nc = await asUser(name);
      const row = userTable[name];
      const refusedPublishes = [];
      for (const subject of row.deniedPublishes)
        refusedPublishes.push([subject, await publishRefused(nc, subject)]);
      expect(refusedPublishes).toEqual(
        row.deniedPublishes.map((subject) => [subject, `Permissions Violation for Publish to "${subject}"`]),
      );
      const refusedSubscriptions = [];
      for (const subject of row.deniedSubscribes) {
        refusedSubscriptions.push([subject, await subscribeRefused(nc, subject)]);
      }
      expect(refusedSubscriptions).toEqual(
        row.deniedSubscribes.map((subject) => [
          subject,
          `Permissions Violation for Subscription to "${subject}"`,
        ]),
      );
    });

    it('may publish and subscribe what the table allows it, and use JetStream', async () => {
      const nc = await asUser(name);
      const row = userTable[name];
      for (const subject of row.publishes)
        expect([subject, await publishRefused(nc, concrete(subject))]).toEqual([subject, null]);
      for (const subject of [...row.subscribes, '_INBOX.>']) {
        expect([subject, await subscribeRefused(nc, subject)]).toEqual([subject, null]);
      }
      const info = await jetstreamManager(nc).then((jsm) => jsm.streams.info(streams.ingress.name));
      expect(info.config.name).toBe(streams.ingress.name);
    });
  });

  it('lets nobody but realtime send timer commands, realtime and the API playback commands, the API sign-in', async () => {
    const allowed = async (subject: string) => {
      const senders = [];
      for (const name of serviceUsers) {
        if ((await publishRefused(await asUser(name), subject)) === null) senders.push(name);
      }
      return senders;
    };
    expect(await allowed(commandSubjects.timer('s1'))).toEqual(['realtime']);
    expect(await allowed(commandSubjects.spotify('st1'))).toEqual(['realtime', 'api']);
    expect(await allowed(spotifySubjects.authorize)).toEqual(['api']);
    expect(await allowed(spotifySubjects.callback)).toEqual(['api']);
    // A gateway cannot either, in its own studio.
    const gw = await as((await gateway('st1', 'g1')).creds);
    expect(await publishRefused(gw, commandSubjects.timer('s1'))).toMatch(/Permissions Violation/);
    expect(await publishRefused(gw, commandSubjects.spotify('st1'))).toMatch(/Permissions Violation/);
  });

  describe('a gateway', () => {
    it('publishes its own samples and status, acknowledged by JetStream on its own inbox prefix', async () => {
      const gw = await as((await gateway('st1', 'g1')).creds, {
        inboxPrefix: gatewayInboxPrefix('st1', 'g1'),
      });
      const js = jetstream(gw);
      const sample = await js.publish(gatewaySubjects.samples('st1', 'g1'), '{}');
      const status = await js.publish(gatewaySubjects.status('st1', 'g1'), '{}');
      expect([sample.stream, status.stream]).toEqual([streams.ingress.name, streams.ingress.name]);
      expect(status.seq).toBeGreaterThan(sample.seq);
    });

    it('is refused everything else: other studios and gateways, the log, commands, the JetStream API, any subscription', async () => {
      const gw = await as((await gateway('st1', 'g1')).creds, {
        inboxPrefix: gatewayInboxPrefix('st1', 'g1'),
      });
      const publishes = [
        gatewaySubjects.samples('st2', 'g1'),
        gatewaySubjects.samples('st1', 'g2'),
        gatewaySubjects.status('st2', 'g1'),
        gatewaySubjects.deadLetter('st1', 'g1'),
        eventSubjects.session('s1'),
        eventSubjects.timer('s1'),
        eventSubjects.studioSpotify('st1'),
        eventSubjects.heartRate('s1', 'g1'),
        commandSubjects.timer('s1'),
        commandSubjects.spotify('st1'),
        spotifySubjects.authorize,
        spotifySubjects.watch('st1'),
        `$JS.API.STREAM.INFO.${streams.events.name}`,
        `$JS.API.STREAM.DELETE.${streams.events.name}`,
        `$JS.API.CONSUMER.CREATE.${streams.events.name}`,
        '$KV.studios.st1',
        '_INBOX.abc',
      ];
      for (const subject of publishes) {
        expect([subject, await publishRefused(gw, subject)]).toEqual([
          subject,
          `Permissions Violation for Publish to "${subject}"`,
        ]);
      }
      for (const subject of [
        'evt.>',
        'hr.>',
        'cmd.>',
        'hrm.v1.>',
        '_INBOX.>',
        '>',
        gatewayInboxPrefix('st2', 'g1') + '.>',
      ]) {
        expect([subject, await subscribeRefused(gw, subject)]).toEqual([
          subject,
          `Permissions Violation for Subscription to "${subject}"`,
        ]);
      }
      // A JetStream publish to another studio's subject fails at once, and nothing is stored.
      const before = await jetstreamManager(await asUser('tools')).then((jsm) =>
        jsm.streams.info(streams.ingress.name),
      );
      await expect(jetstream(gw).publish(gatewaySubjects.samples('st2', 'g1'), '{}')).rejects.toThrow(
        /Permissions Violation/,
      );
      const after = await jetstreamManager(await asUser('tools')).then((jsm) =>
        jsm.streams.info(streams.ingress.name),
      );
      expect(after.state.messages).toBe(before.state.messages);
    });

    it('is cut off within 5 s of its revocation, and stays refused after the server and its setup restart', async () => {
      const revoked = await gateway('st1', 'g-revoked');
      const kept = await gateway('st1', 'g-kept');
      const gw = await as(revoked.creds, { inboxPrefix: gatewayInboxPrefix('st1', 'g-revoked') });
      const admin = await as(fs.readFileSync(auth.gatewayAdmin.accountAdminCredsFile, 'utf8'));

      const closed = await revokeAndTimeClose(admin, revoked.publicKey, gw);
      expect(closed).not.toBeNull();
      expect(closed).toBeLessThan(5_000);
      const options = (creds: string) => ({ servers: server.url, ...credsOptions(creds) });
      expect(await connectError(options(revoked.creds))).toMatch(/Authorization Violation|Revoked/i);
      expect(await connectError(options(kept.creds))).toBeNull();

      // The setup runs again before every start (npm start, compose): it keeps the revocation.
      for (const nc of open.splice(0)) await nc.close().catch(() => undefined);
      await server.stop();
      auth = await prepareNatsAuth(path.join(dir, 'auth'));
      await server.start();
      expect(await connectError(options(revoked.creds))).toMatch(/Authorization Violation|Revoked/i);
      expect(await connectError(options(kept.creds))).toBeNull();
    });
  });

  it('cuts a revoked gateway off on every server of a cluster, whichever server took the revocation', async () => {
    // Each server its own resolver directory, as on separate machines; same keys.
    const second = path.join(dir, 'auth-second');
    fs.cpSync(path.join(dir, 'auth'), second, { recursive: true });
    const secondAuth = await prepareNatsAuth(second);
    const routes = [await freePort(), await freePort()];
    const clustered = (me: number) =>
      `server_name: hrm-${me}\ncluster { name: hrm, listen: 127.0.0.1:${routes[me]}, ` +
      `routes: [nats-route://127.0.0.1:${routes[1 - me]}] }`;
    const nodes = [
      await NatsServer.start({
        dataDir: path.join(dir, 'node-0'),
        auth: auth.serverConfig,
        config: clustered(0),
      }),
      await NatsServer.start({
        dataDir: path.join(dir, 'node-1'),
        auth: secondAuth.serverConfig,
        config: clustered(1),
      }),
    ];
    try {
      const gw = await gateway('st1', 'g-cluster');
      const [near, far] = nodes.map((node) => node.url);
      const onFar = await connect({ servers: far, ...credsOptions(gw.creds), reconnect: false });
      const admin = await connect({
        servers: near,
        ...credsOptions(fs.readFileSync(auth.gatewayAdmin.accountAdminCredsFile, 'utf8')),
      });
      const closed = await revokeAndTimeClose(admin, gw.publicKey, onFar);
      await admin.close();
      expect(closed).not.toBeNull();
      expect(await connectError({ servers: far, ...credsOptions(gw.creds) })).toMatch(
        /Authorization Violation/,
      );
    } finally {
      for (const node of nodes) await node.stop();
    }
  });

  it('serves the client port over TLS to a client that trusts the CA, and to nobody in plain text', async () => {
    const certificate = localCertificate(path.join(dir, 'tls'));
    const tlsServer = await NatsServer.start({
      dataDir: path.join(dir, 'nats-tls'),
      auth: auth.serverConfig,
      tls: certificate,
    });
    try {
      expect(tlsServer.url).toMatch(/^tls:\/\//);
      const creds = (await gateway('st1', 'g1')).creds;
      const secure = await connect({
        servers: tlsServer.url,
        ...credsOptions(creds),
        tls: { caFile: certificate.ca },
        inboxPrefix: gatewayInboxPrefix('st1', 'g1'),
      });
      expect(await publishRefused(secure, gatewaySubjects.samples('st1', 'g1'))).toBeNull();
      await secure.close();
      const plain = `nats://127.0.0.1:${tlsServer.port}`;
      expect(await connectError({ servers: plain, ...credsOptions(creds), tls: null })).not.toBeNull();
      // A certificate from another CA is not trusted.
      const other = localCertificate(path.join(dir, 'tls-other'));
      expect(
        await connectError({ servers: tlsServer.url, ...credsOptions(creds), tls: { caFile: other.ca } }),
      ).not.toBeNull();
    } finally {
      await tlsServer.stop();
    }
  });

  it('keeps the log of a store written before NATS had auth: its streams become the account’s', async () => {
    const storeDir = path.join(dir, 'nats-before-auth');
    const before = await NatsServer.start({ dataDir: storeDir });
    const anonymous = await connect({ servers: before.url });
    await jetstreamManager(anonymous).then((jsm) =>
      jsm.streams.add({ name: streams.events.name, subjects: [...streams.events.subjects] }),
    );
    await jetstream(anonymous).publish(eventSubjects.session('s1'), '{}');
    await anonymous.close();
    await before.stop();

    const accountId = auth.authority.account.getPublicKey();
    expect(adoptAnonymousStore(storeDir, accountId)).toBe(true);
    expect(adoptAnonymousStore(storeDir, accountId)).toBe(false);
    const after = await NatsServer.start({ dataDir: storeDir, auth: auth.serverConfig });
    try {
      const tools = await connect({
        servers: after.url,
        ...credsOptions(fs.readFileSync(auth.creds.tools, 'utf8')),
      });
      const info = await jetstreamManager(tools).then((jsm) => jsm.streams.info(streams.events.name));
      await tools.close();
      expect(info.state.messages).toBe(1);
    } finally {
      await after.stop();
    }
  });

  it('is the table docs/architecture.md shows', () => {
    const docs = fs.readFileSync(path.join(process.cwd(), 'docs', 'architecture.md'), 'utf8');
    const shown =
      /<!-- nats-permissions:start -->([\s\S]*?)<!-- nats-permissions:end -->/.exec(docs)?.[1] ?? '';
    const cells = (table: string) =>
      table
        .split('\n')
        .filter((line) => line.startsWith('|') && !/^\|[\s-|]+\|$/.test(line))
        .map((line) =>
          line
            .slice(1, -1)
            .split(' | ')
            .map((cell) => cell.trim()),
        );
    expect(cells(shown)).toEqual(cells(permissionsMarkdown()));
  });
});
