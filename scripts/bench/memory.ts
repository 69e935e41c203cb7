// What a connected screen costs the realtime process, and of what it is made.
// One realtime process (run with --heapsnapshot-signal), live classes with
// heart rate published at 1 Hz throughout, screens connected in steps; at each
// step, after `settle` seconds of frames, the process's own memory gauge is
// read every tick (as the fan-out bench reads it: no garbage collection first)
// and a heap snapshot is taken (V8 collects garbage before writing it: live
// objects only). Memory per screen is the growth from the step without screens,
// by constructor (self sizes).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { Socket } from 'socket.io-client';
import type { SessionView } from '#contracts';
import { ApiClient } from '../stack/api-client.js';
import type { MemoryOptions } from './cli.js';
import { startBenchStack } from './bench-stack.js';
import type { NatsAccess } from './nats-access.js';
import { publishSecond, realtimeMemory, type RealtimeMemory } from './fanout.js';
import {
  summarizeHeapSnapshot,
  growthPerScreen,
  type GroupGrowth,
  type HeapSummary,
} from './heap-snapshot.js';
import { createBenchClass } from './history-class.js';
import { DelayRecorder, closeScreens, connectScreens, inBatches, liveScreen } from './screens.js';

export interface MemoryStep {
  screens: number;
  /** The gauge as the service reports it each tick over the settle window (garbage included). */
  gauge: { heapUsedMedianMb: number; heapUsedMinMb: number; rssMedianMb: number; externalMedianMb: number };
  /** The gauge at the first tick after the snapshot's garbage collection (RSS then includes what writing the snapshot took). */
  afterGc: { heapUsedMb: number; rssMb: number; externalMb: number; arrayBuffersMb: number };
  /** Live objects in the snapshot (sum of self sizes). */
  snapshotMb: number;
}

export interface MemoryResult {
  classes: number;
  athletesPerClass: number;
  steps: MemoryStep[];
  /** From the step without screens to the last, per screen (KiB): each way of measuring it. */
  perScreenKb: {
    gaugeHeapMedian: number;
    gaugeHeapMin: number;
    afterGcHeap: number;
    afterGcExternal: number;
    snapshot: number;
  };
  /** The same between the last two steps: flat when a screen's cost does not depend on how many there are. */
  perScreenKbLastStep: number;
  /** Largest growth per screen by constructor, from the step without screens to the last. */
  byConstructor: GroupGrowth[];
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const kb = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** Publishes each class's heart rate once a second to the HR stream (as ingest does: one event for its athletes) until stopped. */
function publishHeartRate(nats: NatsAccess, classes: readonly SessionView[]): { stop: () => Promise<void> } {
  let running = true;
  const done = (async () => {
    const nc = await nats.connect('ingest', 'hrm-bench-memory');
    const js = jetstream(nc);
    const started = Date.now();
    for (let second = 0; running; second++) {
      await sleep(Math.max(0, started + second * 1000 - Date.now()));
      await publishSecond(js, classes, second);
    }
    await nc.drain();
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/**
 * The gauge, asked again when the request fails: after the seconds a snapshot
 * blocks the process, the server may close the kept-alive connection fetch reuses.
 */
async function readGauge(url: string): Promise<RealtimeMemory> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await realtimeMemory(url);
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(500);
    }
  }
}

/** Sends the signal node was told to write a snapshot on, and waits until the new file is complete. */
async function takeSnapshot(pid: number, dir: string, url: string): Promise<string> {
  const known = new Set(fs.readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  for (;;) {
    await sleep(500);
    const fresh = fs.readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !known.has(name));
    if (fresh === undefined) continue;
    // The process writes it on its main thread: once it answers HTTP again, the file is whole.
    await readGauge(url);
    return path.join(dir, fresh);
  }
}

export async function runMemory(
  options: MemoryOptions,
  progress: (line: string) => void,
): Promise<MemoryResult> {
  const snapshotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-heap-'));
  const stack = await startBenchStack(progress, {
    realtime: { tickMs: options.tick },
    nodeArgs: { realtime: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] },
  });
  let sockets: Socket[] = [];
  let publisher: { stop: () => Promise<void> } | null = null;
  try {
    const realtimeUrl = stack.realtimeUrl ?? '';
    const pid = stack.processes().find((measured) => measured.name === 'realtime')?.pid;
    if (pid === undefined) throw new Error('no realtime process');
    const api = new ApiClient(stack.apiUrl, stack.adminToken);
    const classes = await inBatches(
      Array.from({ length: options.classes }, (_, index) => index),
      8,
      (index) => createBenchClass(api, options.athletes, index + 1),
    );
    progress(`${classes.length} live classes of ${options.athletes} athletes; publishing heart rate`);
    publisher = publishHeartRate(stack.nats, classes);
    const recorder = new DelayRecorder();
    const steps: MemoryStep[] = [];
    const summaries: HeapSummary[] = [];
    for (let target = 0; target <= options.screens; target += options.step) {
      if (target > sockets.length) {
        const added = await connectScreens(
          `${realtimeUrl}/live`,
          target - sockets.length,
          { token: stack.adminToken },
          recorder,
          liveScreen(
            recorder,
            (index) => classes[(sockets.length + index) % classes.length]?.id,
            options.encoding,
          ),
        );
        sockets = [...sockets, ...added];
      }
      const readings: RealtimeMemory[] = [];
      const settleUntil = Date.now() + options.settle * 1000;
      while (Date.now() < settleUntil) {
        await sleep(options.tick);
        readings.push(await readGauge(realtimeUrl));
      }
      const file = await takeSnapshot(pid, snapshotDir, realtimeUrl);
      await sleep(options.tick * 1.5);
      const afterGc = await readGauge(realtimeUrl);
      const summary = summarizeHeapSnapshot(file);
      if (options.keep !== undefined) {
        fs.mkdirSync(options.keep, { recursive: true });
        fs.copyFileSync(file, path.join(options.keep, `realtime-${sockets.length}-screens.heapsnapshot`));
      }
      fs.rmSync(file);
      summaries.push(summary);
      const step: MemoryStep = {
        screens: sockets.length,
        gauge: {
          heapUsedMedianMb: mb(median(readings.map((r) => r.heapUsed))),
          heapUsedMinMb: mb(Math.min(...readings.map((r) => r.heapUsed))),
          rssMedianMb: mb(median(readings.map((r) => r.rss))),
          externalMedianMb: mb(median(readings.map((r) => r.external))),
        },
        afterGc: {
          heapUsedMb: mb(afterGc.heapUsed),
          rssMb: mb(afterGc.rss),
          externalMb: mb(afterGc.external),
          arrayBuffersMb: mb(afterGc.arrayBuffers),
        },
        snapshotMb: mb(summary.totalBytes),
      };
      steps.push(step);
      progress(`${sockets.length} screens: ${JSON.stringify(step)}`);
    }
    const first = steps[0];
    const last = steps[steps.length - 1];
    const firstSummary = summaries[0];
    const lastSummary = summaries[summaries.length - 1];
    const previousSummary = summaries[summaries.length - 2];
    if (!first || !last || !firstSummary || !lastSummary || !previousSummary || last.screens === 0)
      throw new Error('the memory scenario needs at least one step with screens');
    const screens = last.screens;
    const perScreen = (before: number, after: number) => kb(((after - before) * 2 ** 20) / screens);
    return {
      classes: classes.length,
      athletesPerClass: options.athletes,
      steps,
      perScreenKb: {
        gaugeHeapMedian: perScreen(first.gauge.heapUsedMedianMb, last.gauge.heapUsedMedianMb),
        gaugeHeapMin: perScreen(first.gauge.heapUsedMinMb, last.gauge.heapUsedMinMb),
        afterGcHeap: perScreen(first.afterGc.heapUsedMb, last.afterGc.heapUsedMb),
        afterGcExternal: perScreen(first.afterGc.externalMb, last.afterGc.externalMb),
        snapshot: kb((lastSummary.totalBytes - firstSummary.totalBytes) / screens),
      },
      perScreenKbLastStep: kb(
        (lastSummary.totalBytes - previousSummary.totalBytes) /
          (screens - (steps[steps.length - 2]?.screens ?? 0)),
      ),
      byConstructor: growthPerScreen(firstSummary, lastSummary, screens).slice(0, options.top),
    };
  } finally {
    await publisher?.stop();
    closeScreens(sockets);
    await stack.stop();
    fs.rmSync(snapshotDir, { recursive: true, force: true });
  }
}
