// `npm start` (the built dist/scripts/start.js) with HRM_NATS_CLUSTER=3 (issue
// 18): three nats-servers clustered on local ports, each with its store in
// HRM_DATA_DIR/nats-N; the banner names the three nodes with their processes;
// the streams have three replicas; the demo's heart rates reach a screen, and
// keep reaching it after the node that leads the gateways' stream is killed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePort, repoRoot } from '#localstack';
import { credsOptions } from '#nats-auth';
import { eventually, temporaryDirectory } from '#testing';
import { Child } from './support/child.js';
import { Screen, connected, liveSocket } from './support/screen.js';

const STREAMS = ['HRM_INGRESS', 'EVENTS', 'HR'];

describe('npm start with a three-node NATS cluster', () => {
  const dir = temporaryDirectory('hrm-start-cluster');
  const dataDir = path.join(dir, 'data');
  let stack: Child;
  let realtimePort = '';
  let nc: NatsConnection | null = null;
  let jsm: JetStreamManager;
  const sockets: Array<{ close(): void }> = [];
  /** The banner's nodes: name, client URL, pid. */
  let nodes: Array<{ name: string; url: string; pid: number }> = [];

  beforeAll(async () => {
    const ports = {
      API_PORT: String(await freePort()),
      REALTIME_PORT: String(await freePort()),
      INGEST_PORT: String(await freePort()),
      SPOTIFY_WORKER_PORT: String(await freePort()),
    };
    realtimePort = ports.REALTIME_PORT;
    stack = new Child(process.execPath, [path.join(repoRoot(), 'dist', 'scripts', 'start.js')], {
      cwd: repoRoot(),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        HRM_DATA_DIR: dataDir,
        HRM_NATS_CLUSTER: '3',
        ...ports,
      },
    });
    await stack.line(/HRM stack is up/, 150_000);
    nodes = stack.lines.flatMap((line) => {
      const match = /^\s+(nats-\d)\s+(nats:\/\/\S+)\s+pid (\d+)\s+monitoring http/.exec(line);
      return match ? [{ name: match[1] ?? '', url: match[2] ?? '', pid: Number(match[3]) }] : [];
    });
    const creds = fs.readFileSync(path.join(dataDir, 'nats-auth', 'creds', 'tools.creds'), 'utf8');
    nc = await connect({ servers: nodes.map((node) => node.url), ...credsOptions(creds) });
    jsm = await jetstreamManager(nc);
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await nc?.close();
    await stack?.stop(30_000);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  /** The demo class's screen, subscribed. */
  async function demoScreen(): Promise<Screen> {
    const [, sessionId = ''] = await stack.line(/^\s+Class\s+(\S+)\s+\(live, (?:new|reused)\)/, 5000);
    const [, token = ''] = await stack.line(/^\s+Watch it\s+.*auth:\{token:'([^']+)'\}/, 5000);
    const socket = liveSocket(`http://127.0.0.1:${realtimePort}`, token, true);
    sockets.push(socket);
    await connected(socket);
    const screen = new Screen(socket, sessionId);
    await screen.subscribe();
    return screen;
  }

  const newestValue = (screen: Screen) =>
    Math.max(0, ...[...screen.values.values()].map((value) => value.ts));

  it('names three NATS nodes in the banner, each with its own store, and gives the services all three', () => {
    expect(nodes.map((node) => node.name)).toEqual(['nats-1', 'nats-2', 'nats-3']);
    expect(new Set(nodes.map((node) => node.url)).size).toBe(3);
    expect(stack.output()).toMatch(
      /NATS\s+nats:\/\/127\.0\.0\.1:\d+,nats:\/\/127\.0\.0\.1:\d+,nats:\/\/127\.0\.0\.1:\d+\s+\(a 3-node JetStream cluster/,
    );
    for (const node of nodes) expect(fs.existsSync(path.join(dataDir, node.name, 'jetstream'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'nats'))).toBe(false);
  });

  it('keeps the streams with three replicas, one on each node', async () => {
    for (const name of STREAMS) {
      const info = await jsm.streams.info(name);
      expect({ name, replicas: info.config.num_replicas }).toEqual({ name, replicas: 3 });
      const placed = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((replica) => replica.name)];
      expect(placed.sort()).toEqual(['nats-1', 'nats-2', 'nats-3']);
    }
  });

  it("shows the demo's heart rates on a screen, and still does after the gateways' stream leader is killed", async () => {
    const screen = await demoScreen();
    await eventually(
      () => (screen.values.size === 12 ? true : undefined),
      'a heart rate for each of the twelve demo athletes on the screen',
      30_000,
      200,
    );
    const leader = (await jsm.streams.info('HRM_INGRESS')).cluster?.leader;
    const victim = nodes.find((node) => node.name === leader);
    if (victim === undefined) throw new Error(`no node leads HRM_INGRESS (${String(leader)})`);
    process.kill(victim.pid, 'SIGKILL');
    const killedAt = Date.now();
    await eventually(
      () => (newestValue(screen) > killedAt + 1000 ? true : undefined),
      `a heart rate sent after ${victim.name} was killed on the screen`,
      45_000,
      250,
    );
    expect(stack.running).toBe(true);
    expect(stack.output()).not.toMatch(/exited unexpectedly/);
    const info = await jsm.streams.info('HRM_INGRESS');
    expect(info.cluster?.leader).not.toBe(victim.name);
  }, 90_000);

  it('stops on Ctrl-C with a node gone', async () => {
    expect((await stack.stop(30_000)).code).toBe(0);
  }, 40_000);
});
