// The fan-out scenario: one realtime process, `classes` live classes of
// `athletes` each, `screens` socket.io clients spread over them, heart rate
// at 1 Hz per athlete published to the HR stream (as ingest would). Measures
// the delay from that publish (each value's `ts`) and from the frame's tick
// (`at`) to the screen, frames and bytes per screen and second, CPU and RSS
// per process, and the realtime process's memory per connected screen (from
// its /metrics). Then the same screens against bare Socket.IO and the naive
// design (fanout-baselines.ts), in the same run.
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { Socket } from 'socket.io-client';
import { eventSubjects, type HeartRateBatchRecorded, type SessionView } from '#contracts';
import { pctMaxOf, zoneOf } from '#domain';
import { encodeEvent } from '#eventstore';
import { ApiClient } from '../stack/api-client.js';
import type { FanoutOptions } from './cli.js';
import { startBenchStack } from './bench-stack.js';
import { createBenchClass } from './history-class.js';
import {
  compareWithBaselines,
  meanFrameBytes,
  runBareBaseline,
  runNaiveBaseline,
  type BaselineFigures,
  type FanoutComparison,
} from './fanout-baselines.js';
import { ResourceWatch, type ResourceFigure } from './resources.js';
import {
  DelayRecorder,
  closeScreens,
  connectScreens,
  inBatches,
  liveScreen,
  type ScreenFigures,
} from './screens.js';

export interface FanoutResult {
  screens: number;
  classes: number;
  athletesPerClass: number;
  seconds: number;
  publishedPerS: number;
  /** What the screens saw while heart rate was published. */
  screensSaw: ScreenFigures;
  /** The realtime process's CPU seconds over that window, per connected screen (ms). */
  cpuMsPerScreen: number;
  /** CPU and peak RSS of each process over the publishing window. */
  resources: ResourceFigure[];
  /** The same screens, classes and rate against bare Socket.IO and the naive design. */
  baselines: { frameBytes: number; bare: BaselineFigures; naive: BaselineFigures };
  comparison: FanoutComparison;
  /**
   * Per screen: the least the gauge read at a tick while the screens received
   * frames, less the least it read before they connected. The gauge is read
   * without a garbage collection; the least reading is the one with the least
   * garbage in it, on both sides.
   */
  memory: {
    rssBeforeMb: number;
    rssAfterMb: number;
    heapBeforeMb: number;
    heapAfterMb: number;
    rssPerScreenKb: number;
    heapPerScreenKb: number;
    /** As the bench read it before: once, three ticks after the screens connected (garbage included). */
    heapPerScreenKbAtConnect: number;
    /**
     * At the end of the window, once frames flowed for `seconds`, less before (KiB a screen):
     * RSS, and what it is made of (the heap V8 committed and used, memory outside the heap).
     */
    atEnd: {
      rssPerScreenKb: number;
      heapTotalPerScreenKb: number;
      heapUsedPerScreenKb: number;
      externalPerScreenKb: number;
    };
  };
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RealtimeMemory {
  rss: number;
  /** The JS heap's committed size: heapUsed plus what V8 keeps for it (RSS counts it all). */
  heapTotal: number;
  heapUsed: number;
  /** Memory outside the JS heap that JS objects own (Buffers among it: `arrayBuffers`). */
  external: number;
  arrayBuffers: number;
  sockets: number;
}

export async function realtimeMemory(url: string): Promise<RealtimeMemory> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (prefix: string) =>
    Number(
      text
        .split('\n')
        .find((line) => line.startsWith(prefix))
        ?.split(' ')[1] ?? NaN,
    );
  return {
    rss: read('hrm_realtime_memory_bytes{kind="rss"}'),
    heapTotal: read('hrm_realtime_memory_bytes{kind="heapTotal"}'),
    heapUsed: read('hrm_realtime_memory_bytes{kind="heapUsed"}'),
    external: read('hrm_realtime_memory_bytes{kind="external"}'),
    arrayBuffers: read('hrm_realtime_memory_bytes{kind="arrayBuffers"}'),
    sockets: read('hrm_realtime_sockets '),
  };
}

/** Reads realtime's memory gauge every tick until stopped; keeps the least RSS and heap seen. */
export class GaugeWatch {
  private least = { rss: Infinity, heapUsed: Infinity };
  private readonly timer: NodeJS.Timeout;

  constructor(url: string, everyMs: number) {
    const read = () =>
      realtimeMemory(url).then(
        ({ rss, heapUsed }) => {
          if (rss < this.least.rss) this.least = { ...this.least, rss };
          if (heapUsed < this.least.heapUsed) this.least = { ...this.least, heapUsed };
        },
        () => undefined, // a missed reading is just one fewer
      );
    void read();
    this.timer = setInterval(() => void read(), everyMs);
  }

  async stop(): Promise<{ rss: number; heapUsed: number }> {
    clearInterval(this.timer);
    await sleep(0);
    return this.least;
  }
}

/** One second of a class's heart rate, as ingest writes a gateway's batch: one event for all its athletes. */
function heartRateNow(session: SessionView, second: number, ts: number): HeartRateBatchRecorded | null {
  const samples = session.participants.map((participant, index) => {
    const bpm = 110 + ((second * 7 + index * 13) % 60);
    return {
      participantId: participant.participantId,
      deviceId: participant.deviceId ?? `bench-${index}`,
      ts,
      bpm,
      zone: zoneOf(bpm, participant.zoneThresholds),
      pctMax: pctMaxOf(bpm, participant.maxHr),
      maxHr: participant.maxHr,
      contact: true,
      battery: 80,
    };
  });
  if (samples.length === 0) return null;
  return {
    id: `${session.id}:bench:${ts}`,
    type: 'heart-rate.batch-recorded',
    occurredAt: ts,
    recordedAt: ts,
    correlationId: `bench:${second}`,
    causationId: null,
    data: { sessionId: session.id, studioId: session.studioId, gatewayId: 'bench', samples },
  };
}

/** Publishes one second of every class's heart rate to the HR stream; resolves to the samples, once stored. */
export async function publishSecond(
  js: JetStreamClient,
  classes: readonly SessionView[],
  second: number,
): Promise<number> {
  const acks: Array<Promise<unknown>> = [];
  let samples = 0;
  for (const session of classes) {
    const event = heartRateNow(session, second, Date.now());
    if (!event) continue;
    const subject = eventSubjects.heartRate(session.id, event.data.gatewayId);
    acks.push(js.publish(subject, encodeEvent(event), { msgID: event.id }));
    samples += event.data.samples.length;
  }
  await Promise.all(acks);
  return samples;
}

export async function runFanout(
  options: FanoutOptions,
  progress: (line: string) => void,
): Promise<FanoutResult> {
  const stack = await startBenchStack(progress, { realtime: { tickMs: options.tick } });
  let sockets: Socket[] = [];
  try {
    const realtimeUrl = stack.realtimeUrl ?? '';
    const api = new ApiClient(stack.apiUrl, stack.adminToken);
    const classes = await inBatches(
      Array.from({ length: options.classes }, (_, index) => index),
      8,
      (index) => createBenchClass(api, options.athletes, index + 1),
    );
    progress(`${classes.length} live classes of ${options.athletes} athletes`);
    await sleep(2 * options.tick); // the realtime process has read them; its gauges are fresh
    const idle = new GaugeWatch(realtimeUrl, options.tick);
    await sleep(5 * options.tick);
    const before = await idle.stop();
    const idleLast = await realtimeMemory(realtimeUrl);

    const recorder = new DelayRecorder();
    sockets = await connectScreens(
      `${realtimeUrl}/live`,
      options.screens,
      { token: stack.adminToken },
      recorder,
      liveScreen(recorder, (index) => classes[index % classes.length]?.id, options.encoding),
    );
    progress(`${sockets.length} screens connected and subscribed`);
    await sleep(3 * options.tick);
    const connected = await realtimeMemory(realtimeUrl);
    const steady = new GaugeWatch(realtimeUrl, options.tick);

    // Heart-rate events as ingest publishes them, with ingest's user.
    const nc = await stack.nats.connect('ingest', 'hrm-bench-fanout');
    const js = jetstream(nc);
    const watch = new ResourceWatch(stack.processes, 'bench (screens, publisher)');
    const usageBefore = watch.snapshot();
    recorder.measuring = true;
    const started = Date.now();
    let published = 0;
    for (let second = 0; second < options.seconds; second++) {
      const due = started + second * 1000;
      await sleep(Math.max(0, due - Date.now()));
      published += await publishSecond(js, classes, second);
      if ((second + 1) % 10 === 0)
        progress(`second ${second + 1}/${options.seconds}: ${recorder.valueDelays.length} values received`);
    }
    await sleep(2 * options.tick + 500);
    recorder.measuring = false;
    const elapsedS = (Date.now() - started) / 1000;
    const resources = watch.figures(usageBefore, watch.snapshot(), elapsedS * 1000);
    const realtimeCpuS = resources.find((figure) => figure.name === 'realtime')?.cpuS ?? NaN;
    await nc.drain();
    const during = await steady.stop();
    const after = await realtimeMemory(realtimeUrl);
    const screensSaw = recorder.summary(sockets.length, options.seconds);
    const ours = {
      screensSaw,
      cpuMsPerScreen: Math.round((realtimeCpuS / sockets.length) * 1000 * 100) / 100,
    };
    const screens = sockets.length;
    closeScreens(sockets);
    sockets = [];
    const run = { screens, classes: classes.length, seconds: options.seconds };
    const frameBytes = meanFrameBytes(screensSaw);
    progress(`baseline: bare Socket.IO, frames of ${frameBytes} bytes`);
    const bare = await runBareBaseline({ ...run, tickMs: options.tick, frameBytes });
    progress('baseline: the naive design, every sample with its static data');
    const naive = await runNaiveBaseline({ ...run, athletes: options.athletes, nats: stack.nats });
    return {
      screens,
      classes: classes.length,
      athletesPerClass: options.athletes,
      seconds: options.seconds,
      publishedPerS: Math.round(published / options.seconds),
      ...ours,
      resources,
      baselines: { frameBytes, bare, naive },
      comparison: compareWithBaselines(ours, bare, naive),
      memory: {
        rssBeforeMb: mb(before.rss),
        rssAfterMb: mb(after.rss),
        heapBeforeMb: mb(before.heapUsed),
        heapAfterMb: mb(during.heapUsed),
        rssPerScreenKb: Math.round((during.rss - before.rss) / 1024 / screens),
        heapPerScreenKb: Math.round(((during.heapUsed - before.heapUsed) / 1024 / screens) * 10) / 10,
        heapPerScreenKbAtConnect:
          Math.round(((connected.heapUsed - before.heapUsed) / 1024 / screens) * 10) / 10,
        atEnd: {
          rssPerScreenKb: Math.round((after.rss - before.rss) / 1024 / screens),
          heapTotalPerScreenKb: Math.round((after.heapTotal - idleLast.heapTotal) / 1024 / screens),
          heapUsedPerScreenKb: Math.round((after.heapUsed - before.heapUsed) / 1024 / screens),
          externalPerScreenKb: Math.round(((after.external - idleLast.external) / 1024 / screens) * 10) / 10,
        },
      },
    };
  } finally {
    closeScreens(sockets);
    await stack.stop();
  }
}
