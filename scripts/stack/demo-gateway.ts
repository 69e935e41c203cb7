// The demo's simulated gateway, in-process: twelve straps publishing on
// hrm.v1.samples.<studio>.<gateway> over a NATS connection of its own.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { gatewaySubjects } from '#contracts';
import { GatewayModel } from '../simulator/gateway-model.js';
import { SimulatedGateway } from '../simulator/gateway.js';
import { DEMO_ATHLETES } from './demo-state.js';

/** The straps the simulated gateway reports, in athlete order. */
export function demoDeviceIds(gatewayId: string): string[] {
  return new GatewayModel({ gatewayId, athletes: DEMO_ATHLETES.length }).deviceIds();
}

export class DemoGateway {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly gateway: SimulatedGateway,
  ) {}

  static async start(
    natsUrl: string,
    studioId: string,
    gatewayId: string,
    onError: (error: Error) => void,
  ): Promise<DemoGateway> {
    const nc = await connect({ servers: natsUrl, name: `hrm-demo-${gatewayId}` });
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
