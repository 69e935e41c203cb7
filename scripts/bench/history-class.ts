// The class the history bench reads: made through the REST API (so its
// events are in the log, as /summary expects), then its heart rate published
// to the HR stream as ingest would publish it, one event per athlete and
// second from the simulator's curves, and stored by the API's own projection.
import { z } from 'zod';
import type { JetStreamClient } from '@nats-io/jetstream';
import {
  eventSubjects,
  member,
  sessionView,
  studio,
  type HeartRateBatchRecorded,
  type RecordedSample,
  type SessionView,
} from '#contracts';
import { pctMaxOf, zoneOf } from '#domain';
import { encodeEvent } from '#eventstore';
import type { ApiClient } from '../stack/api-client.js';
import { AthleteCurve } from '../simulator/athlete-curve.js';
import { deviceIdFor } from '../simulator/gateway-model.js';
import type { FleetGateway } from './gateway-fleet.js';

const addedParticipant = z.object({ participantId: z.string() });
const GATEWAY = 'bench-gateway';

/** A studio, `athletes` members wearing straps (named after `gatewayId`), and a live class with all of them. */
export async function createBenchClass(
  api: ApiClient,
  athletes: number,
  seed: number,
  gatewayId = GATEWAY,
): Promise<SessionView> {
  const studioId = (await api.call('POST', '/studios', studio, { name: 'Bench Studio' })).id;
  const year = new Date().getUTCFullYear();
  const memberIds = await Promise.all(
    Array.from({ length: athletes }, async (_, index) => {
      const { profile } = new AthleteCurve({ seed, index });
      const created = await api.call('POST', `/studios/${studioId}/members`, member, {
        displayName: `Athlete ${index + 1}`,
        birthYear: year - 20 - (index % 40),
        sex: index % 2 === 0 ? 'female' : 'male',
        weightKg: 55 + (index % 9) * 5,
        restingHr: Math.round(profile.restingHr),
        maxHr: Math.min(240, Math.max(100, profile.maxHr)),
      });
      const deviceId = deviceIdFor(gatewayId, index);
      await api.call(
        'PUT',
        `/studios/${studioId}/devices/${encodeURIComponent(deviceId)}`,
        z.unknown(),
        { memberId: created.id },
        200,
      );
      return created.id;
    }),
  );
  const sessionId = (
    await api.call('POST', `/studios/${studioId}/sessions`, sessionView, { title: 'Bench class' })
  ).id;
  // One at a time: each join is an append that expects the class's last version.
  for (const [index, memberId] of memberIds.entries()) {
    await api.call('POST', `/sessions/${sessionId}/participants`, addedParticipant, {
      memberId,
      deviceId: deviceIdFor(gatewayId, index),
    });
  }
  await api.call('POST', `/sessions/${sessionId}/start`, z.unknown(), undefined, 200);
  return api.call('GET', `/sessions/${sessionId}`, sessionView);
}

/**
 * The heart-rate events of the class as ingest writes them: one a second (the
 * gateway's batch) with a sample of every athlete heard, 1 Hz per athlete from
 * its start, with the curves' dropouts.
 */
export function* benchHeartRate(
  session: SessionView,
  minutes: number,
  seed: number,
): Generator<HeartRateBatchRecorded> {
  const start = session.startedAt ?? Date.now();
  const curves = session.participants.map((_, index) => new AthleteCurve({ seed, index }));
  for (let second = 0; second < minutes * 60; second++) {
    const samples: RecordedSample[] = [];
    for (const [index, participant] of session.participants.entries()) {
      const reading = curves[index]?.step(1).reading ?? null;
      if (reading === null) continue; // the gateway heard nothing this second
      // Straps are not in step with each other: each has its own offset within the second.
      const ts = start + second * 1000 + ((index * 37) % 1000);
      const { participantId, maxHr, zoneThresholds } = participant;
      samples.push({
        participantId,
        deviceId: participant.deviceId ?? deviceIdFor(GATEWAY, index),
        ts,
        bpm: reading.bpm,
        zone: reading.bpm === 0 ? 0 : zoneOf(reading.bpm, zoneThresholds),
        pctMax: pctMaxOf(reading.bpm, maxHr),
        maxHr,
        rrMs: reading.rrMs,
        contact: reading.contact,
        battery: reading.battery,
        rssi: reading.rssi,
      });
    }
    const first = samples[0];
    if (first === undefined) continue;
    yield {
      id: `${session.id}:${second + 1}:${first.ts}`,
      type: 'heart-rate.batch-recorded',
      occurredAt: start + second * 1000,
      recordedAt: start + second * 1000 + 1150,
      correlationId: `${GATEWAY}:${second}`,
      causationId: `HRM_INGRESS:${second + 1}`,
      data: { sessionId: session.id, studioId: session.studioId, gatewayId: GATEWAY, samples },
    };
  }
}

/** Publishes with up to `window` acknowledgements outstanding; resolves to the count of samples published. */
export async function publishAll(
  js: JetStreamClient,
  events: Iterable<HeartRateBatchRecorded>,
  onProgress: (published: number) => void,
  window = 64,
): Promise<number> {
  let published = 0;
  let inFlight: Array<Promise<unknown>> = [];
  for (const event of events) {
    const subject = eventSubjects.heartRate(event.data.sessionId, event.data.gatewayId);
    inFlight.push(js.publish(subject, encodeEvent(event), { msgID: event.id }));
    published += event.data.samples.length;
    if (inFlight.length >= window) {
      await Promise.all(inFlight);
      inFlight = [];
      onProgress(published);
    }
  }
  await Promise.all(inFlight);
  onProgress(published);
  return published;
}

/** Classes made through the REST API, four at a time, each heard by its own gateway (`bench-gw-<n>`), in gateway order. */
export async function createGatewayClasses(
  api: ApiClient,
  classes: number,
  athletes: number,
  progress: (line: string) => void,
): Promise<Array<FleetGateway & { sessionId: string }>> {
  const gateways: Array<FleetGateway & { sessionId: string }> = [];
  let next = 0;
  const worker = async () => {
    while (next < classes) {
      const index = next++;
      const gatewayId = `bench-gw-${index + 1}`;
      const session = await createBenchClass(api, athletes, index + 1, gatewayId);
      gateways.push({
        sessionId: session.id,
        studioId: session.studioId,
        gatewayId,
        startedAt: session.startedAt ?? Date.now(),
        deviceIds: session.participants.map((participant) => participant.deviceId ?? ''),
      });
      if (gateways.length % Math.max(1, Math.floor(classes / 5)) === 0) {
        progress(`classes live: ${gateways.length}/${classes}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, classes) }, worker));
  return gateways.sort((a, b) => a.gatewayId.localeCompare(b.gatewayId, 'en', { numeric: true }));
}
