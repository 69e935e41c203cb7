// The class screen scenario: the web app's /screen/<sessionId> page, served by
// the API of a real stack (API, ingest, one realtime process), in Debian's
// headless Chromium at 1920×1080, with one live class of --athletes athletes
// whose gateway publishes a sample of each a second over the public contract.
// Beside it in the same browser and run, the baseline: a blank page with the
// screen's live connection only (screen-decode-page.ts), subscribed to the same
// class, so it gets the same frames and decodes them without drawing. Over
// --seconds: each page's main-thread time per values frame from a Chrome trace
// (screen-trace.ts), its long tasks, its JS heap after a forced GC at each
// end; and the screen's JavaScript from dist/web, gzipped.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { z } from 'zod';
import { issuedToken, timerState } from '#contracts';
import { ApiClient } from '../stack/api-client.js';
import { startBenchStack } from './bench-stack.js';
import { launchChromium } from './chromium.js';
import type { ScreenOptions } from './cli.js';
import { GatewayConnections } from './gateway-connections.js';
import { Publisher, liveBatch } from './gateway-fleet.js';
import { createGatewayClasses } from './history-class.js';
import { decodeOnlyScript } from './screen-decode.js';
import { HOOKS_GLOBAL, hooksSeen, pageHooks } from './screen-hooks.js';
import { screenPageJs, type PageJs } from './screen-page-js.js';
import {
  pageTrace,
  traceEvent,
  tracedNames,
  type FrameWork,
  type Phase,
  type TraceEvent,
} from './screen-trace.js';
import { median, percentile } from './stats.js';

/** Targets, reported against, never asserted. */
export const SCREEN_TARGETS = {
  /** Main-thread time a values frame costs the screen, p99. */
  frameP99Ms: 8,
  /** No long task (the browser's PerformanceObserver 'longtask': over this) while frames come. */
  longTaskMs: 50,
  /**
   * "Flat": JS heap growth over the run, after a forced GC at each end. A
   * screen that kept each frame's 40 decoded values would pass it in a minute.
   */
  heapGrowthKib: 256,
  /** The screen page's JavaScript, gzipped. */
  jsGzipKib: 100,
} as const;

const VIEWPORT = { width: 1920, height: 1080 };
/** How long after a frame's message its rendering may still come (well over a display frame). */
export const FRAME_WINDOW_MS = 100;
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline'];
const SCREEN_LABEL = 'hrm:values screen';
const DECODE_LABEL = 'hrm:values decode';

export interface Spread {
  median: number;
  p95: number;
  p99: number;
  max: number;
}

export interface PageFigures {
  /** Frames the page's WebSocket got while measuring, and those found in the trace. */
  framesReceived: number;
  framesTraced: number;
  /** Main-thread wall time per frame (ms). */
  frameMs: Spread;
  /** Of which the message task (ms). */
  messageMs: Spread;
  /** Main-thread CPU time per frame (ms). */
  frameCpuMs: Spread;
  /** Medians per frame of the CPU time of each phase (ms). */
  phaseCpuMs: Record<Phase, number>;
  /** Main-thread time in tasks per second of the run, frames or not (ms). */
  busyMsPerS: number;
  longestTaskMs: number;
  /** Long tasks (over 50 ms) while measuring, and the longest of them (0 for none). */
  longTasks: number;
  longestLongTaskMs: number;
  /** Long tasks from loading the page to the end of the warm-up. */
  longTasksBefore: number;
  heap: { startKib: number; endKib: number; growthKib: number };
  /** Errors in the page's console, and uncaught exceptions. */
  errors: string[];
}

export interface ScreenResult {
  athletes: number;
  seconds: number;
  /** Whether the class's timer ran (a stopwatch). */
  timer: boolean;
  /** What the screen's timer showed as measuring began and ended (with --timer): it must have moved on. */
  timerShown: { start: string | null; end: string | null } | null;
  chromium: string;
  /** Gateway batches acked by JetStream while measuring. */
  batchesPublished: number;
  screen: PageFigures;
  decodeOnly: PageFigures;
  /** Screen per-frame main-thread time over the decode-only page's, by medians and by p99s. */
  ratio: { median: number; p99: number };
  js: PageJs;
  verdicts: { frameP99: boolean; longTasks: boolean; heapFlat: boolean; jsSize: boolean };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, decimals = 2) => Math.round(value * 10 ** decimals) / 10 ** decimals;

function spread(values: readonly number[]): Spread {
  return {
    median: round(median(values)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
  };
}

const performanceMetrics = z.object({ metrics: z.array(z.object({ name: z.string(), value: z.number() })) });

/** The page's JS heap in use after a full garbage collection (KiB). */
async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = performanceMetrics.parse(await cdp.send('Performance.getMetrics'));
  const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value;
  if (used === undefined) throw new Error('Performance.getMetrics has no JSHeapUsedSize');
  return used / 1024;
}

/** A page in a context of its own, with the hooks and its errors kept. */
class BenchPage {
  readonly errors: string[] = [];
  private heapStartKib = Number.NaN;
  private measureFrom = 0;
  private framesBefore = 0;

  private constructor(
    readonly label: string,
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly cdp: CDPSession,
  ) {
    page.on('pageerror', (error) => this.errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(message.text());
    });
  }

  static async open(browser: Browser, label: string, bypassCSP = false): Promise<BenchPage> {
    const context = await browser.newContext({ viewport: VIEWPORT, bypassCSP });
    const page = await context.newPage();
    await page.addInitScript({ content: pageHooks(label) });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    return new BenchPage(label, context, page, cdp);
  }

  async seen() {
    return hooksSeen.parse(await this.page.evaluate((name) => Reflect.get(globalThis, name), HOOKS_GLOBAL));
  }

  async startMeasuring(): Promise<void> {
    this.heapStartKib = await heapAfterGc(this.cdp);
    this.framesBefore = (await this.seen()).frames;
    this.measureFrom = await this.page.evaluate(() => performance.now());
  }

  async figures(frames: readonly FrameWork[], trace: ReturnType<typeof pageTrace>, seconds: number) {
    const heapEndKib = await heapAfterGc(this.cdp);
    const seen = await this.seen();
    const during = seen.longTasks.filter((task) => task.startTime >= this.measureFrom);
    const figures: PageFigures = {
      framesReceived: seen.frames - this.framesBefore,
      framesTraced: frames.length,
      frameMs: spread(frames.map((frame) => frame.totalMs)),
      messageMs: spread(frames.map((frame) => frame.messageMs)),
      frameCpuMs: spread(frames.map((frame) => frame.cpuMs)),
      phaseCpuMs: {
        script: round(median(frames.map((frame) => frame.phasesMs.script))),
        style: round(median(frames.map((frame) => frame.phasesMs.style))),
        layout: round(median(frames.map((frame) => frame.phasesMs.layout))),
        paint: round(median(frames.map((frame) => frame.phasesMs.paint))),
      },
      busyMsPerS: round(trace.busyMs / seconds),
      longestTaskMs: round(trace.longestTaskMs),
      longTasks: during.length,
      longestLongTaskMs: round(Math.max(0, ...during.map((task) => task.duration))),
      longTasksBefore: seen.longTasks.length - during.length,
      heap: {
        startKib: Math.round(this.heapStartKib),
        endKib: Math.round(heapEndKib),
        growthKib: Math.round(heapEndKib - this.heapStartKib),
      },
      errors: [...this.errors],
    };
    return figures;
  }
}

/**
 * Records a browser-wide trace, keeping only the events the analysis reads;
 * the whole trace also goes to `keepIn` when given (it opens in DevTools'
 * Performance panel).
 */
async function startTrace(
  browser: Browser,
  keepIn: string | undefined,
): Promise<() => Promise<TraceEvent[]>> {
  const cdp = await browser.newBrowserCDPSession();
  const events: TraceEvent[] = [];
  const whole: object[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) => {
    if (keepIn !== undefined) whole.push(...value);
    for (const raw of value) {
      const parsed = traceEvent.safeParse(raw);
      if (parsed.success && tracedNames.has(parsed.data.name)) events.push(parsed.data);
    }
  });
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: TRACE_CATEGORIES },
    transferMode: 'ReportEvents',
  });
  return async () => {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    if (keepIn !== undefined) fs.writeFileSync(keepIn, JSON.stringify({ traceEvents: whole }));
    return events;
  };
}

export async function runScreen(
  options: ScreenOptions,
  progress: (line: string) => void,
): Promise<ScreenResult> {
  const webDir = path.resolve(import.meta.dirname, '..', '..', 'web');
  const js = screenPageJs(webDir);
  progress(`screen page JavaScript: ${js.scripts.map((script) => script.file).join(', ')}`);
  const [stack, browser, decodeScript] = await Promise.all([
    startBenchStack(progress, { ingest: true, realtime: { tickMs: 1000 } }),
    launchChromium(),
    decodeOnlyScript(),
  ]);
  let gateways: GatewayConnections | null = null;
  try {
    const api = new ApiClient(stack.apiUrl, stack.adminToken);
    const [gateway] = await createGatewayClasses(api, 1, options.athletes, progress);
    if (gateway === undefined) throw new Error('no class was made');
    const { token } = await api.call('POST', `/studios/${gateway.studioId}/tokens`, issuedToken, {
      role: 'display',
    });
    if (options.timer) {
      // A stopwatch: it runs as long as the bench, and the screen counts it up every second.
      await api.call('PUT', `/sessions/${gateway.sessionId}/timer`, timerState, {
        preset: 'stopwatch',
        prepareSec: 0,
      });
      await api.call('POST', `/sessions/${gateway.sessionId}/timer/start`, timerState, undefined, 200);
    }
    gateways = await GatewayConnections.open(stack.nats, [gateway]);
    const publisher = new Publisher(gateways.route);
    let seq = 0;
    const publishFor = async (seconds: number) => {
      const started = Date.now();
      for (let second = 0; second < seconds; second++) {
        const wait = started + second * 1000 - Date.now();
        if (wait > 0) await sleep(wait);
        await publisher.send(liveBatch(gateway, ++seq, Date.now()));
      }
      await publisher.flush();
    };

    const screen = await BenchPage.open(browser, SCREEN_LABEL);
    await screen.page.goto(`${stack.apiUrl}/screen/${gateway.sessionId}#token=${encodeURIComponent(token)}`);
    await screen.page
      .locator('.tile')
      .nth(options.athletes - 1)
      .waitFor({ timeout: 30_000 });
    // On the API's origin, as the screen: Chromium lets a page reach a loopback address only from one.
    // The script is added inline, so the context bypasses whatever policy that answer sets.
    const decode = await BenchPage.open(browser, DECODE_LABEL, true);
    await decode.context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
    await decode.page.goto(`${stack.apiUrl}/api/v1/config`);
    const config = { realtimeUrl: stack.realtimeUrl ?? '', token, sessionId: gateway.sessionId };
    await decode.page.addScriptTag({
      content: `${pageHooks(DECODE_LABEL)}\nglobalThis.__hrmDecodeOnly = ${JSON.stringify(config)};\n${decodeScript}`,
    });
    await decode.page
      .waitForFunction(() => {
        const seen: unknown = Reflect.get(globalThis, '__hrmDecoded');
        return typeof seen === 'object' && seen !== null && Reflect.get(seen, 'subscribed') === true;
      })
      .catch(async (error: unknown) => {
        const seen = await decode.page.evaluate(() =>
          JSON.stringify(Reflect.get(globalThis, '__hrmDecoded')),
        );
        throw new Error(`the decode-only page did not subscribe: ${seen}; ${decode.errors.join('; ')}`, {
          cause: error,
        });
      });
    progress(
      `screen shows ${options.athletes} tiles; decode-only page subscribed; warming up ${options.warmup} s`,
    );
    await publishFor(options.warmup);
    await sleep(1500); // the warm-up's last frame is drawn

    const timerShown = () => screen.page.locator('[data-timer-remaining]').textContent({ timeout: 5_000 });
    const timerAtStart = options.timer ? await timerShown() : null;
    await Promise.all([screen.startMeasuring(), decode.startMeasuring()]);
    const stopTrace = await startTrace(browser, process.env.HRM_BENCH_TRACE);
    const ackedBefore = publisher.acked;
    progress(`measuring ${options.seconds} s`);
    await publishFor(options.seconds);
    await sleep(1500); // the last batch's frame reaches the pages and is drawn
    const events = await stopTrace();
    const timerAtEnd = options.timer ? await timerShown() : null;
    const batchesPublished = publisher.acked - ackedBefore;
    progress(`trace: ${events.length} events kept`);

    const screenTrace = pageTrace(events, SCREEN_LABEL, FRAME_WINDOW_MS);
    const decodeTrace = pageTrace(events, DECODE_LABEL, FRAME_WINDOW_MS);
    const screenFigures = await screen.figures(screenTrace.frames, screenTrace, options.seconds);
    const decodeFigures = await decode.figures(decodeTrace.frames, decodeTrace, options.seconds);
    const chromium = browser.version();
    await screen.context.close();
    await decode.context.close();
    return {
      athletes: options.athletes,
      seconds: options.seconds,
      timer: options.timer,
      timerShown: options.timer ? { start: timerAtStart, end: timerAtEnd } : null,
      chromium,
      batchesPublished,
      screen: screenFigures,
      decodeOnly: decodeFigures,
      ratio: {
        median: round(screenFigures.frameMs.median / decodeFigures.frameMs.median, 1),
        p99: round(screenFigures.frameMs.p99 / decodeFigures.frameMs.p99, 1),
      },
      js,
      verdicts: {
        frameP99: screenFigures.frameMs.p99 <= SCREEN_TARGETS.frameP99Ms,
        longTasks: screenFigures.longTasks === 0,
        heapFlat: screenFigures.heap.growthKib <= SCREEN_TARGETS.heapGrowthKib,
        jsSize: js.gzipBytes / 1024 <= SCREEN_TARGETS.jsGzipKib,
      },
    };
  } finally {
    await browser.close();
    await gateways?.close();
    await stack.stop();
  }
}
