import type { JetStreamManager } from '@nats-io/jetstream';
import { gatewaySubjects, streams } from '#contracts';

/**
 * When HRM_INGRESS last received a message on one of the gateway's two subjects
 * (epoch ms), or null when it holds none: it keeps 24 h, whatever ingest made of them.
 */
export async function lastSeenAt(
  jsm: JetStreamManager,
  studioId: string,
  gatewayId: string,
): Promise<number | null> {
  const subjects = [
    gatewaySubjects.samples(studioId, gatewayId),
    gatewaySubjects.status(studioId, gatewayId),
  ];
  const last = await Promise.all(
    subjects.map((subject) => jsm.streams.getMessage(streams.ingress.name, { last_by_subj: subject })),
  );
  const times = last.flatMap((message) => (message === null ? [] : [message.time.getTime()]));
  return times.length > 0 ? Math.max(...times) : null;
}
