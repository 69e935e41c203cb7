// `docker compose --profile demo up`: the demo `npm start` runs, for a platform
// that is already up. The demo studio, its twelve athletes with paired straps
// and a live class are made (or, from HRM_DATA_DIR/demo.json, reused) through
// the REST API as the operator; a simulated gateway publishes their heart rates
// over NATS; with DEMO_SPOTIFY the studio plays music from the fake Spotify of
// libs/testing. Prints what the banner of `npm start` says about the demo, then
// runs until SIGINT or SIGTERM.
import { pathToFileURL } from 'node:url';
import { ConfigError, demoEnv, loadEnv, type DemoEnv } from '#config';
import { ApiClient } from './stack/api-client.js';
import type { DemoGateway } from './stack/demo-gateway.js';
import { demoSummaryLines, runDemo } from './stack/demo-run.js';
import { DemoSpotify } from './stack/demo-spotify.js';

export const USAGE = `usage: node dist/scripts/demo.js

Sets up the demo studio of \`npm start\` through the API of a running platform
(twelve athletes with straps, a live class), registers its gateway there
(POST /api/v1/studios/:studioId/gateways; the creds it answers are kept in
HRM_DATA_DIR/gateway-creds, 0600, and reused), publishes their heart rates as
that gateway over NATS, and with DEMO_SPOTIFY=1 plays music from a fake
Spotify. Runs until SIGINT or SIGTERM.

Environment (see demoEnv in libs/config/src/env.ts):
  HRM_ADMIN_TOKEN        the operator token (required)
  API_URL                the API (http://127.0.0.1:3000)
  NATS_URL               where the gateway publishes (nats://127.0.0.1:4222)
  NATS_TLS_CA            the CA of the NATS server's TLS certificate, if not a public one
  HRM_DATA_DIR           where the demo remembers its studio, class and creds (.data)
  API_HOST_PORT          the API's port for the page links it prints (3000)
  REALTIME_HOST_PORT     the realtime port for the watch command it prints (3001)
  DEMO_SPOTIFY           1: run the fake Spotify and sign the studio in (0)
  DEMO_SPOTIFY_PORT      its port (3004); the Spotify worker must use it
  SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET   the app the worker is configured with
`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Resolves after `ms`, or at once when `signal` fires. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** True once GET /healthz of the API answers 200 (saying what it waits for); false if stopped first. */
async function waitForApi(apiUrl: string, stopped: AbortSignal): Promise<boolean> {
  let noticeAt = 0;
  while (!stopped.aborted) {
    const healthy = await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return true;
    if (Date.now() >= noticeAt) {
      say(`waiting for the API at ${apiUrl}`);
      noticeAt = Date.now() + 15_000;
    }
    await pause(1000, stopped);
  }
  return false;
}

function musicLine(env: DemoEnv, signedIn: boolean): string {
  if (signedIn) return `a FAKE Spotify for the demo on port ${env.DEMO_SPOTIFY_PORT} of this container`;
  if (env.DEMO_SPOTIFY) return 'none: the sign-in to the fake Spotify failed (see above)';
  return 'none: DEMO_SPOTIFY=1 with the Spotify worker pointed at it plays the fake (README, docker compose)';
}

function readConfiguration(): DemoEnv | null {
  try {
    return loadEnv(demoEnv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`demo: ${error.message}\n`);
    return null;
  }
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`demo: unknown argument ${argv[0] ?? ''} (--help shows the usage)\n`);
    return 2;
  }
  const env = readConfiguration();
  if (env === null) return 2;
  const startedAt = performance.now();
  const elapsed = () => `(${((performance.now() - startedAt) / 1000).toFixed(1)} s)`;
  const stop = new AbortController();
  let gatewayFailure: Error | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    say(`${signal}: stopping`);
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let spotify: DemoSpotify | null = null;
  let gateway: DemoGateway | null = null;
  try {
    if (env.DEMO_SPOTIFY) {
      spotify = await DemoSpotify.serve({
        apiUrl: env.API_URL,
        clientId: env.SPOTIFY_CLIENT_ID ?? '',
        clientSecret: env.SPOTIFY_CLIENT_SECRET ?? '',
        port: env.DEMO_SPOTIFY_PORT,
        host: '0.0.0.0',
      });
    }
    if (!(await waitForApi(env.API_URL, stop.signal))) return 0;
    const running = await runDemo({
      api: new ApiClient(env.API_URL, env.HRM_ADMIN_TOKEN),
      adminToken: env.HRM_ADMIN_TOKEN,
      natsUrl: env.NATS_URL,
      natsTlsCa: env.NATS_TLS_CA,
      dataDir: env.HRM_DATA_DIR,
      spotify,
      say,
      elapsed,
      onGatewayError: (error) => {
        gatewayFailure = error;
        stop.abort();
      },
    });
    gateway = running.gateway;
    for (const line of demoSummaryLines(
      running.demo,
      { api: env.API_HOST_PORT, realtime: env.REALTIME_HOST_PORT },
      musicLine(env, running.demo.spotify === true),
    ))
      say(line);
    if (!stop.signal.aborted)
      await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
    if (gatewayFailure === null) return 0;
    process.stderr.write(`demo: the simulated gateway stopped: ${messageOf(gatewayFailure)}\n`);
    return 1;
  } catch (error) {
    process.stderr.write(`demo: the demo could not be set up: ${messageOf(error)}\n`);
    return 1;
  } finally {
    await gateway?.stop();
    await spotify?.stop();
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exit(await main());
}
