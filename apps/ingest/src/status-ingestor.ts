// Gateway status (`hrm.v1.status.>`): which straps each gateway hears, with
// battery and RSSI. One durable consumer of its own, shared by every ingest
// instance: NATS 2.9 filters a consumer on one subject only, and the samples'
// consumer must not see the dead letters ingest writes under `hrm.v1.>`.
import type { JsMsg } from '@nats-io/jetstream';
import { GATEWAY_MAX_FUTURE_MS, gatewaySubjects, streams } from '#contracts';
import type { Logger } from '#config';
import { Following, type EventStore, type LogReader } from '#eventstore';
import type { DeviceStatusRecorder } from './device-status-recorder.js';
import { pullLoop, receivedAtOf, type DeadLetters } from './ingress-consumer.js';
import { unknownStudio, type StudioCheck } from './known-studio.js';
import { parseStatus } from './parse-ingress.js';

export const STATUS_CONSUMER = 'ingest-status';

export class StatusIngestor {
  private running = false;
  private loop: Promise<void> | null = null;
  /** Its pull loop on the ingress stream, for /healthz. */
  readonly reading: Following;

  constructor(
    private readonly store: EventStore,
    private readonly recorder: DeviceStatusRecorder,
    private readonly deadLetters: DeadLetters,
    private readonly studios: StudioCheck,
    private readonly logger: Logger,
    private readonly options: { batchSize: number; ackWaitMs?: number; maxFutureMs?: number },
  ) {
    this.reading = new Following(`consumer ${STATUS_CONSUMER}`, logger);
  }

  get readers(): LogReader[] {
    return [this.reading];
  }

  get ready(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    await this.store.ensureDurable(streams.ingress.name, STATUS_CONSUMER, gatewaySubjects.allStatus, {
      ackWaitMs: this.options.ackWaitMs ?? 30_000,
      maxAckPending: 2_000,
    });
    this.running = true;
    this.loop = pullLoop(
      this.store,
      STATUS_CONSUMER,
      this.options.batchSize,
      () => this.running,
      (message) => this.handle(message),
      this.logger,
      1,
      this.reading,
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /**
   * Recorded (throttled) or dead-lettered (malformed, or of a studio that does not exist), then
   * acked; a dead letter that cannot be published is retried.
   */
  private async handle(message: JsMsg): Promise<void> {
    const parsed = parseStatus(message.subject, message.data, {
      receivedAt: receivedAtOf(message),
      maxFutureMs: this.options.maxFutureMs ?? GATEWAY_MAX_FUTURE_MS,
    });
    let refused: string | null;
    try {
      refused = parsed.ok ? await unknownStudio(this.studios, parsed.subject.studioId) : parsed.reason;
      if (refused !== null)
        await this.deadLetters.publish(message, parsed.subject?.studioId, parsed.subject?.gatewayId, refused);
    } catch (error) {
      // The dead letter could not be published, or the studio registry is not filled yet.
      this.logger.warn('status message will be redelivered', { seq: message.seq, error });
      message.nak(1000);
      return;
    }
    if (parsed.ok && refused === null) {
      const { studioId, gatewayId } = parsed.subject;
      this.recorder.observe(
        parsed.body.devices.map((device) => ({
          studioId,
          deviceId: device.deviceId,
          gatewayId,
          seenAt: device.lastSeen,
          battery: device.battery,
          rssi: device.rssi,
        })),
      );
    }
    message.ack();
  }
}
