// The demo's simulated gateway, in-process: twelve straps publishing on
// hrm.v1.samples.<studio>.<gateway> over a NATS connection of its own, with
// the creds the API issued to that gateway and nothing more.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { gatewaySubjects } from '#contracts';
import { credsOptions, gatewayInboxPrefix } from '#nats-auth';
import { GatewayModel } from '../simulator/gateway-model.js';
import { SimulatedGateway } from '../simulator/gateway.js';
import { DEMO_ATHLETES } from './demo-state.js';

/** The straps the simulated gateway reports, in athlete order. */
export function demoDeviceIds(gatewayId: string): string[] {
  return new GatewayModel({ gatewayId, athletes: DEMO_ATHLETES.length }).deviceIds();
}

/** How the gateway reaches NATS: the URL (or a comma list), its creds file's text, the CA of a TLS server's certificate. */
export interface DemoGatewayNats {
  url: string;
  creds: string;
  tlsCa?: string | undefined;
}

export class DemoGateway {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly gateway: SimulatedGateway,
  ) {}

  static async start(
    nats: DemoGatewayNats,
    studioId: string,
    gatewayId: string,
    onError: (error: Error) => void,
  ): Promise<DemoGateway> {
    const nc = await connect({
      // One server, or a cluster's as a comma list: the gateway reconnects to any of them.
      servers: nats.url.split(','),
      name: `hrm-demo-${gatewayId}`,
      ...credsOptions(nats.creds),
      // The only inbox a gateway may hear on (its JetStream acks, were it to ask for them).
      inboxPrefix: gatewayInboxPrefix(studioId, gatewayId),
      ...(nats.tlsCa !== undefined && { tls: { caFile: nats.tlsCa } }),
    });
    const gateway = new SimulatedGateway({
      nc,
      studioId,
      gatewayId,
      athletes: DEMO_ATHLETES.length,
      onError,
    });
    gateway.start();
    // The first batch now rather than a tick later: a new user sees values sooner.
    try {
      gateway.publishTick();
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
    return new DemoGateway(nc, gateway);
  }

  get subject(): string {
    return gatewaySubjects.samples(this.gateway.studioId, this.gateway.gatewayId);
  }

  async stop(): Promise<void> {
    this.gateway.stop();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }
}
