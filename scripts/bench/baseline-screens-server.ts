// The fan-out bench's two baselines, each run as its own process so that
// /proc gives its CPU and memory alone. Prints `listening <port>` when ready.
//
//   bare <classes> <frameBytes> <tickMs>: the transport's limit. A plain
//     Socket.IO server, no auth, one room per class; every tick it sends each
//     room one frame of `frameBytes`, built once as a string ("<at>|xxx...").
//   naive <classes> <athletes> <natsUrl>: what studios run today. Every sample
//     that arrives (core NATS `bench.naive.<class>`, {athlete, bpm, ts}) goes
//     at once to every screen of its class, with the athlete's static data.
//     It connects with the credentials file of NATS_CREDS when set.
//
// Screens join a class with `join` (its index) and an ack.
import { connect } from '@nats-io/transport-node';
import { natsClientOptions } from '#nats-auth';
import http from 'node:http';
import { Server } from 'socket.io';
import { z } from 'zod';

const naiveSample = z.object({ athlete: z.int().min(0), bpm: z.int(), ts: z.number() });
export const NAIVE_SUBJECT = 'bench.naive';
const room = (classIndex: number) => `class:${classIndex}`;

/** The static data a naive server repeats with every sample: what a screen would otherwise get once. */
export function naiveAthlete(classIndex: number, athlete: number) {
  const id = (kind: number) =>
    `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${(classIndex * 1000 + athlete).toString(16).padStart(12, '0')}`;
  const maxHr = 175 + (athlete % 20);
  return {
    participantId: id(1),
    memberId: id(2),
    displayName: `Athlete ${athlete + 1}`,
    deviceId: `bench-gw-${classIndex + 1}:strap-${athlete + 1}`,
    maxHr,
    restingHr: 55 + (athlete % 10),
    zoneThresholds: [0.5, 0.6, 0.7, 0.8, 0.9].map((share) => Math.round(maxHr * share)),
  };
}

/** The bare frame: `<at>|` then padding to `frameBytes` characters. */
export function bareFrame(at: number, frameBytes: number): string {
  const head = `${at}|`;
  return head + 'x'.repeat(Math.max(0, frameBytes - head.length));
}

async function main(argv: readonly string[]): Promise<void> {
  const [mode, classesArg, second, third] = argv;
  const classes = Number(classesArg);
  const server = http.createServer();
  const io = new Server(server, { transports: ['websocket'] });
  io.on('connection', (socket) => {
    socket.on('join', (classIndex: unknown, ack: unknown) => {
      if (typeof classIndex === 'number') void socket.join(room(classIndex));
      if (typeof ack === 'function') ack(true);
    });
  });
  if (mode === 'bare') {
    const frameBytes = Number(second);
    setInterval(() => {
      // Stamped with the tick's start, as realtime stamps its frames' `at`: a room served
      // late in the tick shows it in its delay.
      const at = Date.now();
      for (let classIndex = 0; classIndex < classes; classIndex++) {
        io.to(room(classIndex)).emit('frame', bareFrame(at, frameBytes));
      }
    }, Number(third));
  } else if (mode === 'naive') {
    const athletes = Number(second);
    const roster = Array.from({ length: classes }, (_, c) =>
      Array.from({ length: athletes }, (_, a) => naiveAthlete(c, a)),
    );
    const nc = await connect({
      ...natsClientOptions({ credsFile: process.env.NATS_CREDS }),
      servers: third ?? '',
      name: 'hrm-bench-naive',
    });
    const subscription = nc.subscribe(`${NAIVE_SUBJECT}.*`);
    void (async () => {
      for await (const message of subscription) {
        const classIndex = Number(message.subject.slice(NAIVE_SUBJECT.length + 1));
        const sample = naiveSample.parse(message.json());
        const athlete = roster[classIndex]?.[sample.athlete];
        if (athlete === undefined) continue;
        const zone = athlete.zoneThresholds.filter((bound) => sample.bpm >= bound).length;
        io.to(room(classIndex)).emit('hr', {
          athlete,
          bpm: sample.bpm,
          zone,
          pctMax: Math.round((sample.bpm / athlete.maxHr) * 1000) / 10,
          ts: sample.ts,
        });
      }
    })();
  } else {
    throw new Error(`unknown baseline ${mode ?? '(none)'}`);
  }
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`listening ${typeof address === 'object' && address !== null ? address.port : 0}\n`);
  });
}

if (process.argv[1]?.endsWith('baseline-screens-server.js')) {
  await main(process.argv.slice(2));
}
