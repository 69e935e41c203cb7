// A JetStream cluster of nats-server child processes on this machine: each
// node with its own store, client port, route port and monitoring port, routed
// to every other. For the tests, the faults and the bench that lose a node,
// and for `npm start` with HRM_NATS_CLUSTER.
import path from 'node:path';
import { z } from 'zod';
import { freePort, waitUntil } from './ports.js';
import { NatsServer, type NatsServerOptions } from './nats-server.js';

export interface NatsClusterOptions extends Omit<NatsServerOptions, 'dataDir' | 'port' | 'onLog'> {
  /** Each node's store is `<dataDir>/<node name>`. */
  dataDir: string;
  /** 3 or 5 (a JetStream cluster needs a majority of its nodes). */
  size: number;
  /** The cluster's name (`hrm`). */
  name?: string;
  /** Client ports to use, one per node (else free ones); route and monitoring ports are always free ones. */
  ports?: number[];
  onLog?: (node: string, line: string) => void;
}

/** What a node's monitoring endpoint says about JetStream's meta group (`/jsz`). */
const jsz = z.object({
  meta_cluster: z.object({ leader: z.string().optional(), cluster_size: z.number().optional() }).optional(),
});

export interface ClusterNode {
  /** Its `server_name`, e.g. `nats-2`: what JetStream names as a stream's leader or replica. */
  name: string;
  server: NatsServer;
  monitorPort: number;
}

export class NatsCluster {
  private constructor(readonly nodes: ClusterNode[]) {}

  static async start(options: NatsClusterOptions): Promise<NatsCluster> {
    const { size, dataDir, ports = [], onLog, name = 'hrm', config, ...server } = options;
    const layout = await Promise.all(
      Array.from({ length: size }, async (_, index) => ({
        name: `nats-${index + 1}`,
        port: ports[index] ?? (await freePort()),
        routePort: await freePort(),
        monitorPort: await freePort(),
      })),
    );
    const routes = layout.map((node) => `nats-route://127.0.0.1:${node.routePort}`);
    const nodes: ClusterNode[] = [];
    try {
      // All at once: JetStream's meta group forms when a majority has met. Every
      // start settles before a failure is handled, so no node is left running.
      const started = await Promise.allSettled(
        layout.map(async (node) => {
          const running = await NatsServer.start({
            ...server,
            dataDir: path.join(dataDir, node.name),
            port: node.port,
            config: [
              config,
              `server_name: ${node.name}`,
              `http_port: ${node.monitorPort}`,
              `cluster { name: ${name}, listen: 127.0.0.1:${node.routePort}, routes: [${routes.join(', ')}] }`,
            ]
              .filter(Boolean)
              .join('\n'),
            ...(onLog && { onLog: (line: string) => onLog(node.name, line) }),
          });
          nodes.push({ name: node.name, server: running, monitorPort: node.monitorPort });
        }),
      );
      const failed = started.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      nodes.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
      const cluster = new NatsCluster(nodes);
      await cluster.ready();
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((node) => node.server.stop(true)));
      throw error;
    }
  }

  /** Every node's client URL, comma-separated: a NATS_URL that reaches whichever is up. */
  get url(): string {
    return this.nodes.map((node) => node.server.url).join(',');
  }

  get urls(): string[] {
    return this.nodes.map((node) => node.server.url);
  }

  node(name: string): ClusterNode {
    const found = this.nodes.find((node) => node.name === name);
    if (found === undefined) throw new Error(`no node ${name} in the cluster (${this.names().join(', ')})`);
    return found;
  }

  names(): string[] {
    return this.nodes.map((node) => node.name);
  }

  /** The meta leader as a running node sees it, or null while there is none. */
  async metaLeader(): Promise<string | null> {
    for (const node of this.nodes) {
      if (node.server.pid === undefined) continue;
      const leader = await metaLeaderSeenBy(node.monitorPort);
      if (leader !== null) return leader;
    }
    return null;
  }

  /**
   * Until every running node sees the same meta leader (JetStream answers
   * its API on each of them): after a start, a restart or the loss of a node.
   */
  async ready(timeoutMs = 30_000): Promise<void> {
    await waitUntil(
      async () => {
        const running = this.nodes.filter((node) => node.server.pid !== undefined);
        const seen = await Promise.all(running.map((node) => metaLeaderSeenBy(node.monitorPort)));
        const leader = seen[0];
        return leader != null && seen.every((other) => other === leader);
      },
      'a JetStream meta leader on every running node',
      timeoutMs,
    );
  }

  /** SIGKILL (`kill`) or SIGTERM one node; the others go on. */
  async stopNode(name: string, kill = true): Promise<void> {
    await this.node(name).server.stop(kill);
  }

  async startNode(name: string): Promise<void> {
    await this.node(name).server.start();
  }

  /** All nodes at once (`kill`: SIGKILL, as a power loss of the whole cluster would, minus the disk). */
  async stop(kill = false): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.server.stop(kill)));
  }

  /** Starts every stopped node and waits for the meta group. */
  async start(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.server.start()));
    await this.ready();
  }
}

async function metaLeaderSeenBy(monitorPort: number): Promise<string | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${monitorPort}/jsz`, {
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) return null;
    const parsed = jsz.safeParse(await response.json());
    return parsed.success ? (parsed.data.meta_cluster?.leader ?? null) : null;
  } catch {
    return null;
  }
}
