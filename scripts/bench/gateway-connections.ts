// The simulated gateways' NATS connections: one per gateway, each with that
// gateway's own credentials (it may publish its two subjects and nothing else)
// and inbox prefix, as a studio's gateway connects (docs/contracts/gateway.md).
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { gatewaySubjects } from '#contracts';
import type { GatewayBatch } from './gateway-fleet.js';
import type { NatsAccess } from './nats-access.js';

export class GatewayConnections {
  private constructor(
    private readonly connections: NatsConnection[],
    private readonly bySubject: Map<string, JetStreamClient>,
  ) {}

  /** Connects every gateway, a few at a time (each connect is a JWT the server verifies). */
  static async open(
    access: NatsAccess,
    gateways: ReadonlyArray<{ studioId: string; gatewayId: string }>,
  ): Promise<GatewayConnections> {
    const connections: NatsConnection[] = [];
    const bySubject = new Map<string, JetStreamClient>();
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < gateways.length; index = next++) {
        const gateway = gateways[index];
        if (gateway === undefined) continue;
        const nc = await connect(await access.gatewayOptions(gateway.studioId, gateway.gatewayId));
        connections.push(nc);
        const js = jetstream(nc);
        bySubject.set(gatewaySubjects.samples(gateway.studioId, gateway.gatewayId), js);
        bySubject.set(gatewaySubjects.status(gateway.studioId, gateway.gatewayId), js);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(8, gateways.length) }, worker));
    } catch (error) {
      await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
      throw error;
    }
    return new GatewayConnections(connections, bySubject);
  }

  /** The JetStream client of the gateway that owns the batch's subject. */
  readonly route = (batch: GatewayBatch): JetStreamClient => {
    const js = this.bySubject.get(batch.subject);
    if (js === undefined) throw new Error(`no gateway connected for ${batch.subject}`);
    return js;
  };

  get version(): string {
    return this.connections[0]?.info?.version ?? 'unknown';
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((nc) => nc.drain().catch(() => undefined)));
  }
}
