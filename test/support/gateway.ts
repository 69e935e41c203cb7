// Publishes like a gateway does (contract 1), with JetStream acks so a test
// knows the stream holds every batch it sent.
import { jetstream } from '@nats-io/jetstream';
import { headers, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { gatewayStatus, gatewaySubjects, type SampleBatchInput } from '#contracts';
import type { TestStack } from '#testing';
import type { z } from 'zod';

export class TestGateway {
  private seq = 0;
  constructor(
    private readonly connection: NatsConnection,
    readonly studioId: string,
    readonly gatewayId: string,
  ) {}

  /** A gateway with credentials of its own, as the API issues them (the stack closes its connection). */
  static async connect(
    stack: TestStack,
    studioId: string,
    gatewayId: string,
    extra: Partial<NodeConnectionOptions> = {},
  ): Promise<TestGateway> {
    return new TestGateway(await stack.connectGateway(studioId, gatewayId, extra), studioId, gatewayId);
  }

  /** One batch: one sample per device at `ts`, with a bpm from `bpmOf`. */
  async publish(
    ts: number,
    deviceIds: string[],
    bpmOf: (deviceId: string, index: number) => number,
    /** Give the same seq to retry a batch (same Nats-Msg-Id); by default each call is a new batch. */
    seq = ++this.seq,
  ): Promise<void> {
    const batch: SampleBatchInput = {
      gatewayId: this.gatewayId,
      seq,
      sentAt: new Date(ts).toISOString(),
      samples: deviceIds.map((deviceId, index) => ({
        deviceId,
        ts: new Date(ts).toISOString(),
        bpm: bpmOf(deviceId, index),
        contact: true,
        battery: 80,
      })),
    };
    await this.publishRaw(JSON.stringify(batch), `${this.gatewayId}:${seq}`);
  }

  /** One batch of the given samples (battery, RSSI and all), as a new batch. */
  async publishSamples(samples: SampleBatchInput['samples'], seq = ++this.seq): Promise<void> {
    const batch: SampleBatchInput = { gatewayId: this.gatewayId, seq, sentAt: Date.now(), samples };
    await this.publishRaw(JSON.stringify(batch), `${this.gatewayId}:${seq}`);
  }

  /** A status message: the straps this gateway hears, with battery, RSSI and when it last heard each. */
  async publishStatus(devices: z.input<typeof gatewayStatus>['devices']): Promise<void> {
    const status: z.input<typeof gatewayStatus> = { gatewayId: this.gatewayId, sentAt: Date.now(), devices };
    await this.publishRaw(
      JSON.stringify(status),
      undefined,
      gatewaySubjects.status(this.studioId, this.gatewayId),
    );
  }

  async publishRaw(
    body: string,
    msgId?: string,
    subject = gatewaySubjects.samples(this.studioId, this.gatewayId),
  ) {
    const header = headers();
    if (msgId) header.set('Nats-Msg-Id', msgId);
    await jetstream(this.connection).publish(subject, body, { headers: header });
  }
}
