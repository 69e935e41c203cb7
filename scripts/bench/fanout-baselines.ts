// The fan-out scenario's baselines, measured in the same run as the realtime
// process with the same screens: bare Socket.IO (the transport's limit) and the
// naive design (every sample with its athlete's static data, at once, to every
// screen of the class). Each server is its own process (baseline-screens-server.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import { z } from 'zod';
import { NAIVE_SUBJECT } from './baseline-screens-server.js';
import type { NatsAccess } from './nats-access.js';
import { usageOf } from './proc.js';
import { fraction } from './stats.js';
import { DelayRecorder, closeScreens, connectScreens, type ScreenFigures } from './screens.js';

export interface BaselineFigures {
  screens: number;
  screensSaw: ScreenFigures;
  /** The server process's CPU over the window, and per screen (ms). */
  cpuS: number;
  cpuMsPerScreen: number;
  peakRssMb: number;
}

interface BaselineRun {
  screens: number;
  classes: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SERVER = fileURLToPath(new URL('./baseline-screens-server.js', import.meta.url));

async function startServer(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [SERVER, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`baseline server exited (${code ?? 'signal'})`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Starts a baseline server, connects the screens (each joins class
 * `index % classes`), runs `drive` for the window and measures.
 */
async function measureBaseline(
  args: string[],
  run: BaselineRun,
  listen: (socket: Socket, index: number, recorder: DelayRecorder) => void,
  drive: () => Promise<void>,
  env: Record<string, string> = {},
): Promise<BaselineFigures> {
  const { child, url } = await startServer(args, env);
  let sockets: Socket[] = [];
  try {
    const recorder = new DelayRecorder();
    sockets = await connectScreens(url, run.screens, {}, recorder, async (socket, index) => {
      listen(socket, index, recorder);
      await socket.timeout(30_000).emitWithAck('join', index % run.classes);
    });
    await sleep(2000);
    const pid = child.pid ?? -1;
    const before = usageOf(pid);
    recorder.measuring = true;
    await drive();
    recorder.measuring = false;
    const after = usageOf(pid);
    const cpuS = (after?.cpuS ?? NaN) - (before?.cpuS ?? NaN);
    return {
      screens: sockets.length,
      screensSaw: recorder.summary(sockets.length, run.seconds),
      cpuS: Math.round(cpuS * 10) / 10,
      cpuMsPerScreen: Math.round((cpuS / sockets.length) * 1000 * 100) / 100,
      peakRssMb: Math.round((after?.hwmKb ?? 0) / 1024),
    };
  } finally {
    closeScreens(sockets);
    await stopServer(child);
  }
}

/** Bare Socket.IO: frames of `frameBytes` to every room each tick, for `seconds`. */
export function runBareBaseline(
  run: BaselineRun & { tickMs: number; frameBytes: number },
): Promise<BaselineFigures> {
  return measureBaseline(
    ['bare', String(run.classes), String(run.frameBytes), String(run.tickMs)],
    run,
    (socket, _index, recorder) => {
      socket.on('frame', (frame: unknown) => {
        const received = Date.now();
        const at = typeof frame === 'string' ? Number(frame.slice(0, frame.indexOf('|'))) : NaN;
        recorder.frame(Number.isFinite(at) ? at : null, received);
      });
    },
    async () => {
      await sleep(run.seconds * 1000); // `seconds` ticks: the frames per second are comparable
    },
  );
}

/** What a naive screen reads from a message (the rest is the athlete's static data, drawn as is). */
const naiveMessage = z.object({ athlete: z.object({ participantId: z.string() }), ts: z.number() });

/** The naive design: every athlete's sample once a second, each sent on at once with its static data. */
export function runNaiveBaseline(
  run: BaselineRun & { athletes: number; nats: NatsAccess },
): Promise<BaselineFigures> {
  return measureBaseline(
    ['naive', String(run.classes), String(run.athletes), run.nats.url],
    run,
    (socket, index, recorder) => {
      socket.on('hr', (payload: unknown) => {
        const received = Date.now();
        const message = naiveMessage.parse(payload);
        recorder.frame(null, received);
        recorder.value(index, message.athlete.participantId, message.ts, received);
      });
    },
    async () => {
      const nc = await run.nats.connect('tools', 'hrm-bench-naive-gateways');
      const started = Date.now();
      for (let second = 0; second < run.seconds; second++) {
        await sleep(Math.max(0, started + second * 1000 - Date.now()));
        for (let classIndex = 0; classIndex < run.classes; classIndex++) {
          for (let athlete = 0; athlete < run.athletes; athlete++) {
            const bpm = 110 + ((second * 7 + athlete * 13) % 60);
            nc.publish(`${NAIVE_SUBJECT}.${classIndex}`, JSON.stringify({ athlete, bpm, ts: Date.now() }));
          }
        }
        await nc.flush();
      }
      await sleep(1000);
      await nc.drain();
    },
    // The naive server reads NATS as the tools user (its subject is no platform user's).
    run.nats.env('tools'),
  );
}

/** Issue 7's target against the naive design: bytes per screen at most this share of its bytes. */
export const BYTES_VS_NAIVE_TARGET = 0.3;

export interface FanoutComparison {
  /** Our delay from the frame's tick to the screen over bare Socket.IO's (p50, p99): 1 is the transport's limit. */
  frameDelayP50VsBare: number | null;
  frameDelayP99VsBare: number | null;
  /** Frames per screen and second delivered, ours over bare Socket.IO's at the same rate. */
  framesVsBare: number | null;
  /** Server CPU per screen, ours over bare Socket.IO's. */
  cpuVsBare: number | null;
  /** Bytes per screen and second, ours over the naive design's (target ≤ 0.3). */
  bytesVsNaive: number | null;
  /** Server CPU per screen, ours over the naive design's. */
  cpuVsNaive: number | null;
}

interface Measured {
  screensSaw: ScreenFigures;
  cpuMsPerScreen: number;
}

export function compareWithBaselines(ours: Measured, bare: Measured, naive: Measured): FanoutComparison {
  return {
    frameDelayP50VsBare: fraction(ours.screensSaw.frameDelayMs.p50, bare.screensSaw.frameDelayMs.p50),
    frameDelayP99VsBare: fraction(ours.screensSaw.frameDelayMs.p99, bare.screensSaw.frameDelayMs.p99),
    framesVsBare: fraction(ours.screensSaw.framesPerScreenPerS, bare.screensSaw.framesPerScreenPerS),
    cpuVsBare: fraction(ours.cpuMsPerScreen, bare.cpuMsPerScreen),
    bytesVsNaive: fraction(ours.screensSaw.bytesPerScreenPerS, naive.screensSaw.bytesPerScreenPerS),
    cpuVsNaive: fraction(ours.cpuMsPerScreen, naive.cpuMsPerScreen),
  };
}

/** The size of one of our frames on the wire: bytes a screen got over the frames it got. */
export function meanFrameBytes(saw: ScreenFigures): number {
  return saw.framesPerScreenPerS > 0 ? Math.round(saw.bytesPerScreenPerS / saw.framesPerScreenPerS) : 0;
}
