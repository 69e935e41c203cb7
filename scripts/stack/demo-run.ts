// The demo as `npm start` and the compose demo (scripts/demo.ts) both run it:
// the studio, its athletes and a live class set up through the REST API, the
// simulated gateway publishing their heart rates, and the studio signed in to
// the fake Spotify when one runs.
import { AuthorizationError } from '@nats-io/transport-node';
import type { ApiClient } from './api-client.js';
import { demoPageUrls, watchSnippet, type BannerDemo } from './banner.js';
import { DemoGateway, demoDeviceIds } from './demo-gateway.js';
import { ensureDemo } from './demo-setup.js';
import type { DemoSpotify } from './demo-spotify.js';
import { DEMO_GATEWAY_ID } from './demo-state.js';
import { ensureGatewayCreds } from './gateway-creds.js';

export interface DemoRunOptions {
  /** The API as the bootstrap operator. */
  api: ApiClient;
  adminToken: string;
  natsUrl: string;
  /** The CA of the NATS server's TLS certificate, when it is not a public one. */
  natsTlsCa?: string | undefined;
  dataDir: string;
  /** The fake Spotify to sign the studio in to, if one runs. */
  spotify: DemoSpotify | null;
  say: (line: string) => void;
  /** How long the start has taken so far, e.g. "(3.1 s)". */
  elapsed: () => string;
  /** The simulated gateway stopped publishing. */
  onGatewayError: (error: Error) => void;
}

export interface RunningDemo {
  demo: BannerDemo;
  gateway: DemoGateway;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Sets the demo up (reusing what HRM_DATA_DIR/demo.json remembers) and starts its gateway. */
export async function runDemo(options: DemoRunOptions): Promise<RunningDemo> {
  const { api, say } = options;
  const setup = await ensureDemo(api, options.dataDir, DEMO_GATEWAY_ID, demoDeviceIds(DEMO_GATEWAY_ID));
  const gateway = await startGateway(options, setup.studioId, setup.gatewayId);
  say(`class ${setup.sessionId} is live, the simulated gateway publishes ${options.elapsed()}`);
  const spotify = await signIn(options, setup.studioId);
  return { demo: { ...setup, subject: gateway.subject, spotify }, gateway };
}

/**
 * The gateway on NATS with its own creds: those kept from an earlier start, or
 * new ones from the API; kept creds that NATS refuses (revoked, or issued by
 * another trust chain) are replaced once.
 */
async function startGateway(
  options: DemoRunOptions,
  studioId: string,
  gatewayId: string,
): Promise<DemoGateway> {
  const { api, dataDir } = options;
  const start = (creds: string) =>
    DemoGateway.start(
      { url: options.natsUrl, creds, tlsCa: options.natsTlsCa },
      studioId,
      gatewayId,
      options.onGatewayError,
    );
  const creds = await ensureGatewayCreds(api, dataDir, studioId, gatewayId);
  if (creds.registered)
    options.say(`registered the gateway ${gatewayId}; its NATS creds are in ${creds.file}`);
  try {
    return await start(creds.text);
  } catch (error) {
    if (creds.registered || !(error instanceof AuthorizationError)) throw error;
    options.say(`NATS refused the kept creds of ${gatewayId} (${error.message}): registering it again`);
    const renewed = await ensureGatewayCreds(api, dataDir, studioId, gatewayId, { fresh: true });
    return start(renewed.text);
  }
}

/** Music is a nicety: a failed sign-in only says so. */
async function signIn(options: DemoRunOptions, studioId: string): Promise<boolean> {
  if (options.spotify === null) return false;
  try {
    await options.spotify.signIn(studioId, options.adminToken);
    return true;
  } catch (error) {
    options.say(`the demo studio could not sign in to the fake Spotify: ${messageOf(error)}`);
    return false;
  }
}

/** The demo's part of `npm start`'s banner, for the compose demo, which prints no other. */
export function demoSummaryLines(
  demo: BannerDemo,
  hostPorts: { api: number; realtime: number },
  music: string,
): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(15)} ${value}`;
  const pages = demoPageUrls(hostPorts.api, demo);
  return [
    'Demo is up',
    row('Studio', demo.studioId),
    row('Class', `${demo.sessionId}  (live, ${demo.reused ? 'reused' : 'new'})`),
    row('Gateway', `${demo.gatewayId}, 12 straps on ${demo.subject}`),
    row('Screen', `${pages.screen}  (the class on the room's TV: open it in a browser)`),
    row('Coach', `${pages.coach}  (the coach's tablet: the class and its controls)`),
    row('Watch it', watchSnippet(hostPorts.realtime, demo.displayToken, demo.sessionId)),
    row('Music', music),
  ];
}
