// Gateway messages as a broken or hostile gateway sends them, on the subjects
// ingest reads (and some it does not): odd subject tokens, huge and deep bodies,
// bytes that are not UTF-8, numbers as words, timestamps far out of range,
// wrong types, reused ids. Samples of the control class's straps carry only
// timestamps ingest must refuse, so its history must not change.
// The fuzzer publishes as the tools user, not with one gateway's credentials:
// it stands for every gateway of every studio at once, and for subjects none
// of them may publish any more (a hole in the permissions must still find
// ingest robust). What a gateway's own credentials are refused is
// fuzz-credentials.ts's part.
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { gatewaySubjects } from '#contracts';
import { sleep, type TestStack } from '#testing';
import {
  drawFor,
  hostileJsonText,
  mutate,
  nonUtf8,
  oddStrings,
  oddTimestamps,
  randomJson,
  truncated,
  type Draw,
} from './fuzz-values.js';
import type { FuzzFailure, FuzzTargets } from './fuzz-types.js';

/** Studios the fuzzer's gateways name that do not exist: nothing may be recorded for them. */
export const GHOST_STUDIOS = ['st_doesnotexist00', 'st_nope'] as const;

/** Timestamps no sample may be stored with: beyond the allowed clock skew, or older than HRM_INGRESS keeps. */
function outOfRange(draw: Draw, now: number): unknown {
  return draw.pick([
    253402300800000,
    '+010000-01-01T00:00:00.000Z',
    now + 3_600_000,
    now + 60_000,
    now - 25 * 3_600_000,
    -1,
    '1970-01-01T00:00:00.000Z',
  ]);
}

function sampleOf(draw: Draw, targets: FuzzTargets, now: number): Record<string, unknown> {
  const control = draw.chance(0.3);
  const deviceId = control
    ? draw.pick(targets.control.devices)
    : draw.chance(0.6)
      ? draw.pick(targets.fuzz.devices)
      : draw.pick([...oddStrings, 'ant:999:99999']);
  const sample: Record<string, unknown> = {
    deviceId,
    ts: control ? outOfRange(draw, now) : draw.chance(0.5) ? draw.pick(oddTimestamps(now)) : now,
    bpm: draw.chance(0.7) ? draw.int(40, 200) : randomJson(draw),
    contact: draw.chance(0.9) ? true : randomJson(draw),
    battery: draw.chance(0.9) ? 80 : randomJson(draw),
  };
  // A control strap's sample is only ever sent with a timestamp that must be refused.
  return control
    ? sample
    : draw.chance(0.4)
      ? (mutate(draw, sample, oddTimestamps(now)) as Record<string, unknown>)
      : sample;
}

function subjectOf(draw: Draw, targets: FuzzTargets, kind: 'samples' | 'status'): string {
  const studio = draw.pick([
    targets.fuzz.studioId,
    targets.fuzz.studioId,
    targets.control.studioId,
    'st_nope',
  ]);
  const gateway = draw.chance(0.85) ? `gw-fuzz-${draw.int(0, 3)}` : draw.pick(oddStrings);
  const roll = draw.int(0, 9);
  if (roll <= 6) return `hrm.v1.${kind}.${studio}.${gateway}`;
  if (roll === 7) return `hrm.v1.${kind}.${studio}.${gateway}.extra`;
  if (roll === 8) return `hrm.v1.${draw.pick(['dlq', 'other', kind])}.${studio}`;
  return `hrm.v1.${kind}.${draw.pick(oddStrings).replace(/[\s.*>]/g, '_') || '_'}.${gateway}`;
}

/** NATS closing our connection is a refusal by NATS (its own limits), not by our services: noted, and we go on. */
async function flushed(connection: NatsConnection, index: number, seed: number, failures: FuzzFailure[]) {
  try {
    await connection.flush();
  } catch (error) {
    failures.push({
      surface: 'gateway',
      index,
      seed,
      problem: `nats-server dropped the fuzzer's connection (${String(error)}) around this input`,
      input: '',
    });
    await sleep(500);
  }
}

/**
 * Inputs sent first, whatever the seed and count: those that once stopped or skewed the service
 * (issue 12), so a short run meets them too. Otherwise well-formed, which is what makes them hostile.
 */
function knownHostile(targets: FuzzTargets, now: number): Array<{ subject: string; body: string }> {
  const batch = (studioId: string, deviceId: string, ts: unknown, seq: number) => ({
    subject: gatewaySubjects.samples(studioId, 'gw-known'),
    body: JSON.stringify({
      gatewayId: 'gw-known',
      seq,
      sentAt: now,
      samples: [{ deviceId, ts, bpm: 120, contact: true, battery: 80 }],
    }),
  });
  const fuzzDevice = targets.fuzz.devices[0] ?? 'ant:1';
  const controlDevice = targets.control.devices[0] ?? 'ant:2';
  return [
    batch(targets.fuzz.studioId, fuzzDevice, 253402300800000, 1),
    batch(targets.fuzz.studioId, fuzzDevice, '+010000-01-01T00:00:00.000Z', 2),
    batch(targets.fuzz.studioId, fuzzDevice, now + 3_600_000, 3),
    batch(targets.control.studioId, controlDevice, now + 3_600_000, 4),
    batch(targets.control.studioId, controlDevice, now - 25 * 3_600_000, 5),
    batch(GHOST_STUDIOS[0], fuzzDevice, now, 6),
    {
      subject: gatewaySubjects.status(GHOST_STUDIOS[0], 'gw-known'),
      body: JSON.stringify({
        gatewayId: 'gw-known',
        sentAt: now,
        devices: [{ deviceId: 'ant:9', lastSeen: now }],
      }),
    },
    {
      subject: gatewaySubjects.samples(targets.fuzz.studioId, 'gw-known'),
      body: `{"gatewayId":"gw-known","seq":8,"sentAt":${now},"samples":[{"deviceId":"${fuzzDevice}","ts":${now},"bpm":NaN}]}`,
    },
  ];
}

export async function fuzzGateway(
  stack: TestStack,
  targets: FuzzTargets,
  count: number,
  seed: number,
  failures: FuzzFailure[],
): Promise<number> {
  const draw = drawFor(seed, 'gateway');
  const connection = await stack.connectNats(undefined, { maxReconnectAttempts: -1 });
  let sent = 0;
  try {
    for (const known of knownHostile(targets, Date.now())) {
      const header = headers();
      header.set('Nats-Msg-Id', `known:${seed}:${sent}`);
      connection.publish(known.subject, known.body, { headers: header });
      sent++;
    }
    for (let index = 0; index < count; index++) {
      const now = Date.now();
      const kind = draw.chance(0.8) ? 'samples' : 'status';
      let subject = subjectOf(draw, targets, kind);
      // NATS's protocol has no room for control characters or spaces in a subject (only letters,
      // digits, punctuation and symbols are kept) (the server
      // drops the connection): those tokens go as '_', everything else as drawn.
      // Nor for a subject past its control line (4 KiB): tokens are cut at 1,000 characters.
      subject = subject
        .replace(/[^\p{L}\p{N}\p{P}\p{S}]/gu, '_')
        .split('.')
        .map((token) => token.slice(0, 1000))
        .join('.');
      if (/\.\.|^\.|\.$/.test(subject)) subject = gatewaySubjects.samples(targets.fuzz.studioId, 'gw-fuzz-0');
      const seq = draw.chance(0.1) ? draw.int(0, 3) : index;
      const valid =
        kind === 'samples'
          ? {
              gatewayId: subject.split('.')[4] ?? 'gw',
              seq,
              sentAt: now,
              samples: Array.from({ length: draw.int(1, 4) }, () => sampleOf(draw, targets, now)),
            }
          : {
              gatewayId: subject.split('.')[4] ?? 'gw',
              sentAt: draw.chance(0.5) ? now : draw.pick(oddTimestamps(now)),
              devices: [
                {
                  deviceId: draw.pick(targets.fuzz.devices),
                  battery: 50,
                  lastSeen: draw.pick(oddTimestamps(now)),
                },
              ],
            };
      const roll = draw.int(0, 9);
      const body: string | Uint8Array =
        roll <= 4
          ? JSON.stringify(valid)
          : roll <= 6
            ? JSON.stringify(mutate(draw, valid, oddTimestamps(now)))
            : roll <= 8
              ? hostileJsonText(draw, JSON.stringify(valid))
              : nonUtf8(draw);
      const header = headers();
      // Reused ids: the same Nats-Msg-Id with another body.
      header.set(
        'Nats-Msg-Id',
        `${valid.gatewayId}:${draw.chance(0.2) ? draw.int(0, 5) : `${seed}-${index}`}`,
      );
      try {
        connection.publish(subject, body, { headers: header });
        sent++;
      } catch (error) {
        // Over NATS's max payload: the client refuses it, as it would a gateway's.
        if (!(error instanceof Error && /payload|subject/i.test(error.message)))
          failures.push({
            surface: 'gateway',
            index,
            seed,
            problem: `publish threw ${String(error)}`,
            input: `${subject} ${truncated(body)}`,
          });
      }
      // Keep ingest busy but not buried: this is about inputs, not load.
      if (index % 50 === 49) {
        await flushed(connection, index, seed, failures);
        await sleep(20);
      }
    }
    await flushed(connection, count, seed, failures);
  } finally {
    await connection.close();
  }
  return sent;
}
