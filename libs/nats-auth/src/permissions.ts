// Who may publish and subscribe to what on NATS: one table, the only source of
// the users' permissions (the JWTs are signed from it, docs/architecture.md
// shows it, permissions.nats.spec.ts tries every denial against the server).
import type { Permissions } from '@nats-io/jwt';
import {
  classIndexBucket,
  commandSubjects,
  deviceStatusBucket,
  eventSubjects,
  gatewaySubjects,
  instanceRegistry,
  spotifySubjects,
  studioRegistryBucket,
  streams,
} from '#contracts';

export const natsUserNames = ['ingest', 'realtime', 'api', 'spotify-worker', 'tools'] as const;
export type NatsUserName = (typeof natsUserNames)[number];

const kvKeys = (bucket: string) => `$KV.${bucket}.>`;

/**
 * The JetStream API of a service: streams and consumers may be created, read
 * and acknowledged (every service ensures the streams it uses on start), but
 * nothing destroyed or rewritten; ingress consumers belong to ingest (and the
 * API's last-seen lookups), none to the others.
 */
// `$JS.FC.>`: an ordered consumer (a KV watch) answers the server's flow control there.
const jetStreamAllow = ['$JS.API.>', '$JS.ACK.>', '$JS.FC.>'];
const jetStreamDeny = [
  '$JS.API.STREAM.DELETE.>',
  '$JS.API.STREAM.PURGE.>',
  '$JS.API.STREAM.MSG.DELETE.>',
  '$JS.API.STREAM.SNAPSHOT.>',
  '$JS.API.STREAM.RESTORE.>',
  '$JS.API.STREAM.PEER.>',
  '$JS.API.STREAM.LEADER.>',
  '$JS.API.META.>',
  '$JS.API.SERVER.>',
  '$JS.API.ACCOUNT.>',
];
const ingress = streams.ingress.name;
/** Reading the raw gateway traffic with a consumer (its info and lists stay open, for health). */
const ingressConsumers = [
  `$JS.API.CONSUMER.CREATE.${ingress}`,
  `$JS.API.CONSUMER.CREATE.${ingress}.>`,
  `$JS.API.CONSUMER.DURABLE.CREATE.${ingress}.>`,
  `$JS.API.CONSUMER.MSG.NEXT.${ingress}.>`,
  `$JS.API.CONSUMER.DELETE.${ingress}.>`,
];
/** Reading one raw message of it. */
const ingressMessages = [
  `$JS.API.STREAM.MSG.GET.${ingress}`,
  `$JS.API.DIRECT.GET.${ingress}`,
  `$JS.API.DIRECT.GET.${ingress}.>`,
];

/** What a user may read of the gateways' raw traffic. */
export type IngressAccess = 'consumes' | 'last message' | 'none';
const ingressDeny: Record<IngressAccess, readonly string[]> = {
  consumes: [],
  'last message': ingressConsumers,
  none: [...ingressConsumers, ...ingressMessages],
};

export interface UserRow {
  /** What the user is for, in the docs' words. */
  role: string;
  /** What it may read of the gateways' raw traffic (the ingress stream). */
  ingress: IngressAccess;
  /** Subjects it publishes, besides the JetStream API and replies (`_INBOX.>`). */
  publishes: readonly string[];
  /** Subjects it subscribes to (core NATS), besides `_INBOX.>`. */
  subscribes: readonly string[];
  /** Publishes a test tries and the server must refuse. */
  deniedPublishes: readonly string[];
  /** Subscriptions a test tries and the server must refuse. */
  deniedSubscribes: readonly string[];
}

const instances = kvKeys(instanceRegistry.bucket);
/**
 * The class index is built from the log by whichever service starts first on
 * an empty bucket (libs/eventstore class-index.ts), so every service writes it.
 */
const classIndex = kvKeys(classIndexBucket.name);

export const userTable: Record<Exclude<NatsUserName, 'tools'>, UserRow> = {
  ingest: {
    role: 'consumes the gateways’ ingress, appends heart-rate events and a class’s max HR raises, records strap status',
    ingress: 'consumes',
    publishes: [
      eventSubjects.allHeartRate,
      // A class's own events (adaptive max HR), not its timer's (evt.session.<id>.timer).
      eventSubjects.session('*'),
      gatewaySubjects.deadLetter('*', '*'),
      kvKeys(deviceStatusBucket.name),
      classIndex,
      instances,
    ],
    subscribes: [],
    deniedPublishes: [
      eventSubjects.timer('s1'),
      eventSubjects.studioSpotify('st1'),
      commandSubjects.timer('s1'),
      commandSubjects.spotify('st1'),
      gatewaySubjects.samples('st1', 'g1'),
      kvKeys(studioRegistryBucket.name).replace('>', 'k'),
      `$JS.API.STREAM.DELETE.${streams.events.name}`,
      `$JS.API.STREAM.PURGE.${streams.heartRate.name}`,
    ],
    deniedSubscribes: [commandSubjects.allTimer, commandSubjects.allSpotify, 'spotify.signin.>', '>'],
  },
  realtime: {
    role: 'reads the log for screens; forwards coaches’ commands; asks for playback watches',
    ingress: 'none',
    publishes: [
      commandSubjects.allTimer,
      commandSubjects.allSpotify,
      spotifySubjects.allWatch,
      classIndex,
      instances,
    ],
    subscribes: [],
    deniedPublishes: [
      eventSubjects.session('s1'),
      eventSubjects.heartRate('s1', 'g1'),
      eventSubjects.studioSpotify('st1'),
      gatewaySubjects.samples('st1', 'g1'),
      spotifySubjects.authorize,
      kvKeys(studioRegistryBucket.name).replace('>', 'k'),
      `$JS.API.STREAM.DELETE.${streams.events.name}`,
      `$JS.API.STREAM.PURGE.${streams.events.name}`,
      `$JS.API.CONSUMER.MSG.NEXT.${ingress}.ingest`,
      `$JS.API.CONSUMER.CREATE.${ingress}`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${ingress}.spy`,
      `$JS.API.STREAM.MSG.GET.${ingress}`,
      `$JS.API.DIRECT.GET.${ingress}`,
    ],
    deniedSubscribes: [commandSubjects.allTimer, commandSubjects.allSpotify, 'spotify.signin.>', 'evt.>'],
  },
  api: {
    role: 'appends class and timer events, answers timer commands, forwards playback commands and sign-in, reads a gateway’s last message',
    ingress: 'last message',
    publishes: [
      eventSubjects.allSessions,
      commandSubjects.allSpotify,
      spotifySubjects.authorize,
      spotifySubjects.callback,
      classIndex,
      kvKeys(studioRegistryBucket.name),
      instances,
    ],
    subscribes: [commandSubjects.allTimer],
    deniedPublishes: [
      eventSubjects.heartRate('s1', 'g1'),
      eventSubjects.studioSpotify('st1'),
      gatewaySubjects.samples('st1', 'g1'),
      commandSubjects.timer('s1'),
      `$JS.API.STREAM.DELETE.${streams.events.name}`,
      `$JS.API.CONSUMER.MSG.NEXT.${ingress}.ingest`,
      `$JS.API.CONSUMER.CREATE.${ingress}.spy.${gatewaySubjects.allSamples}`,
      `$JS.API.CONSUMER.DELETE.${ingress}.ingest`,
    ],
    deniedSubscribes: [commandSubjects.allSpotify, 'spotify.signin.>', gatewaySubjects.allSamples],
  },
  'spotify-worker': {
    role: 'answers playback commands and sign-in, appends its studios’ Spotify events',
    ingress: 'none',
    publishes: [eventSubjects.allStudioSpotify, classIndex, instances],
    subscribes: [commandSubjects.allSpotify, 'spotify.signin.*', spotifySubjects.allWatch],
    deniedPublishes: [
      eventSubjects.session('s1'),
      eventSubjects.heartRate('s1', 'g1'),
      commandSubjects.timer('s1'),
      commandSubjects.spotify('st1'),
      gatewaySubjects.samples('st1', 'g1'),
      `$JS.API.STREAM.DELETE.${streams.events.name}`,
      `$JS.API.CONSUMER.CREATE.${ingress}`,
      `$JS.API.DIRECT.GET.${ingress}.${gatewaySubjects.samples('st1', 'g1')}`,
    ],
    deniedSubscribes: [commandSubjects.allTimer, gatewaySubjects.allSamples, 'evt.>'],
  },
};

/** The NATS permissions of one of the platform's users. `tools` (CLI, bench, tests) may do anything in the account. */
export function userPermissions(name: NatsUserName): Partial<Permissions> {
  if (name === 'tools') return {};
  const row = userTable[name];
  return {
    pub: {
      allow: ['_INBOX.>', ...row.publishes, ...jetStreamAllow],
      deny: [...jetStreamDeny, ...ingressDeny[row.ingress]],
    },
    sub: { allow: ['_INBOX.>', ...row.subscribes] },
  };
}

/** The inbox prefix a gateway must use (its replies: JetStream publish acks). */
export const gatewayInboxPrefix = (studioId: string, gatewayId: string) =>
  `_INBOX_GW.${studioId}.${gatewayId}`;

/** A gateway: its own two subjects, and replies on its own inbox; nothing else. */
export function gatewayPermissions(studioId: string, gatewayId: string): Partial<Permissions> {
  return {
    pub: {
      allow: [gatewaySubjects.samples(studioId, gatewayId), gatewaySubjects.status(studioId, gatewayId)],
    },
    sub: { allow: [`${gatewayInboxPrefix(studioId, gatewayId)}.>`] },
  };
}

const code = (subjects: readonly string[]) =>
  subjects.length === 0 ? 'nothing' : subjects.map((subject) => `\`${subject}\``).join(', ');

/**
 * The table of docs/architecture.md, made from the one above (a spec checks
 * the docs show exactly this).
 */
export function permissionsMarkdown(): string {
  const rows = Object.entries(userTable).map(([name, row]) =>
    [`\`${name}\``, row.role, code(row.publishes), code(row.subscribes), row.ingress].join(' | '),
  );
  const gateway = gatewayPermissions('<studioId>', '<gatewayId>');
  rows.push(
    [
      'a gateway (one user each)',
      'publishes what one gateway hears',
      code(gateway.pub?.allow ?? []),
      code(gateway.sub?.allow ?? []),
      'none (no JetStream API at all)',
    ].join(' | '),
  );
  return [
    '| User | Role | Publishes | Subscribes | Raw gateway traffic |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** What every platform user (not a gateway) may do besides its row: requests, the JetStream API without its destructive part. */
export const commonPermissions = {
  publishes: ['_INBOX.>', ...jetStreamAllow],
  denied: jetStreamDeny,
} as const;
