// Publishes like a gateway does (contract 1), with JetStream acks so a test
// knows the stream holds every batch it sent.
import { jetstream } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { gatewaySubjects, type SampleBatchInput } from '#contracts';

export class TestGateway {
  private seq = 0;
  constructor(
    private readonly connection: NatsConnection,
    readonly studioId: string,
    readonly gatewayId: string,
  ) {}

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
