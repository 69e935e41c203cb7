// The few lines `npm start` prints once the stack is healthy: where everything
// is, each service's port and health URL, the operator token, the demo class
// with links that open it in a browser, how to watch it, how to stop.
import type { AppName } from '#localstack';
import { bold } from './log-format.js';
import type { AdminTokenSource } from './admin-token.js';

/** In the order the banner lists them. */
export const BANNER_SERVICES: readonly AppName[] = ['api', 'realtime', 'ingest', 'spotify-worker'];

export interface BannerInfo {
  /** Each service's port. */
  ports: Readonly<Record<AppName, number>>;
  natsUrl: string;
  /** Where our NATS's creds are (it refuses anonymous clients); undefined for the user's own NATS. */
  natsCredsDir?: string | undefined;
  /** Our NATS serves its client port over TLS. */
  natsTls?: boolean;
  /** Our NATS cluster's nodes (HRM_NATS_CLUSTER); none or undefined for one server. */
  natsNodes?: readonly BannerNatsNode[] | undefined;
  databaseUrl: string;
  adminToken: string;
  adminTokenSource: AdminTokenSource;
  dataDir: string;
  startedInMs: number;
  demo: BannerDemo | null;
  /** The fake Spotify the demo studio plays from, when the demo runs one. */
  demoSpotifyUrl?: string | null;
}

export interface BannerNatsNode {
  name: string;
  url: string;
  pid: number | undefined;
  monitorUrl: string;
}

export interface BannerDemo {
  studioId: string;
  sessionId: string;
  gatewayId: string;
  subject: string;
  displayToken: string;
  /** A coach token of the studio, for the Coach link. */
  coachToken: string;
  reused: boolean;
  /** Signed in to the demo's fake Spotify. */
  spotify?: boolean;
}

/** The URL with its password replaced by `****`; unparsable input is hidden whole. */
export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '****';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export const realtimeUrl = (port: number) => `http://localhost:${port}/live`;
export const healthUrl = (port: number) => `http://localhost:${port}/healthz`;

/**
 * The web app's pages of the demo, served by the API; the token travels in the
 * fragment, which the browser never sends to the server.
 */
export function demoPageUrls(
  apiPort: number,
  demo: Pick<BannerDemo, 'studioId' | 'sessionId' | 'displayToken' | 'coachToken'>,
): { screen: string; coach: string; studio: string } {
  const page = (path: string, token: string) =>
    `http://127.0.0.1:${apiPort}/${path}#token=${encodeURIComponent(token)}`;
  return {
    screen: page(`screen/${demo.sessionId}`, demo.displayToken),
    coach: page(`coach/${demo.sessionId}`, demo.coachToken),
    studio: page(`studio/${demo.studioId}`, demo.displayToken),
  };
}

/** One line a user can paste to see the demo class's values arrive. */
export function watchSnippet(realtimePort: number, token: string, sessionId: string): string {
  return (
    `node -e "require('socket.io-client').io('${realtimeUrl(realtimePort)}',{auth:{token:'${token}'}})` +
    `.on('hrm:values',(v)=>console.log(JSON.stringify(v)))` +
    `.emit('session:subscribe',{sessionId:'${sessionId}'},(a)=>console.log('subscribed:',a.ok))"`
  );
}

/**
 * Our cluster's nodes, one line each: its client URL, its process (to try
 * losing it: `kill <pid>`) and its monitoring endpoint.
 */
function natsNodeLines(info: BannerInfo, row: (label: string, value: string) => string): string[] {
  const nodes = info.natsNodes ?? [];
  if (nodes.length < 2) return [];
  return nodes.map((node) =>
    row(`  ${node.name}`, `${node.url}  pid ${node.pid ?? 'stopped'}  monitoring ${node.monitorUrl}`),
  );
}

/** Our NATS requires credentials: say where they are and how a gateway gets its own. */
function natsLines(info: BannerInfo, row: (label: string, value: string) => string): string[] {
  if (info.natsCredsDir === undefined) return [row('NATS', info.natsUrl)];
  const nodes = info.natsNodes?.length ?? 0;
  const cluster = nodes > 1 ? `a ${nodes}-node JetStream cluster, streams with ${nodes} replicas, ` : '';
  return [
    row('NATS', `${info.natsUrl}  (${cluster}${info.natsTls ? 'TLS, ' : ''}credentials required)`),
    ...natsNodeLines(info, row),
    row('NATS creds', `${info.natsCredsDir}  (tools.creds: a user that may do anything, for the nats CLI)`),
    row('Gateway creds', 'POST /api/v1/studios/:studioId/gateways {gatewayId} answers its creds file'),
  ];
}

function tokenLine(info: BannerInfo): string {
  if (info.adminTokenSource === 'environment') return '(HRM_ADMIN_TOKEN from the environment)';
  return `${info.adminToken}  (kept in ${info.dataDir}/admin-token)`;
}

export function bannerLines(info: BannerInfo, colour: boolean): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(15)} ${value}`;
  const rule = '─'.repeat(72);
  const { ports } = info;
  const lines = [
    rule,
    bold(colour, `HRM stack is up (${(info.startedInMs / 1000).toFixed(1)} s)`),
    row('API', `http://localhost:${ports.api}/api/v1`),
    row('API docs', `http://localhost:${ports.api}/api/docs  (OpenAPI 3.1, no token needed)`),
    row('Realtime', `${realtimeUrl(ports.realtime)}  (Socket.IO namespace /live)`),
    ...natsLines(info, row),
    row('Postgres', maskPassword(info.databaseUrl)),
    row('Operator token', tokenLine(info)),
    row('Data and logs', `${info.dataDir}  (logs in ${info.dataDir}/logs)`),
    bold(colour, 'Services (npm run status: their health, NATS, Postgres, projections)'),
    ...BANNER_SERVICES.map((app) => row(app, `port ${ports[app]}  health ${healthUrl(ports[app])}`)),
  ];
  const demo = info.demo;
  if (demo !== null) {
    const pages = demoPageUrls(ports.api, demo);
    lines.push(
      bold(colour, `Demo (HRM_DEMO=0 starts without it)`),
      row('Screen', `${pages.screen}  (the class on the room's TV: open it in a browser)`),
      row('Coach', `${pages.coach}  (the coach's tablet: the class and its controls)`),
      row('Studio', `${pages.studio}  (the studio's TV: follows its live class)`),
      row('Class', `${demo.sessionId}  (live, ${demo.reused ? 'reused' : 'new'})`),
      row('Gateway', `${demo.gatewayId}, 12 straps on ${demo.subject}`),
      row('Watch it', watchSnippet(ports.realtime, demo.displayToken, demo.sessionId)),
    );
    if (info.demoSpotifyUrl)
      lines.push(
        row(
          'Music',
          `a FAKE Spotify for the demo at ${info.demoSpotifyUrl} (set SPOTIFY_CLIENT_ID for the real one)`,
        ),
      );
  }
  lines.push(
    `Stop with Ctrl-C (twice to force); the data stays in ${info.dataDir} for the next start.`,
    rule,
  );
  return lines;
}
