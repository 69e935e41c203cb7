// Sets up a studio with athletes wearing straps, and a live class, through the
// public REST contract — the way an operator would.
import { z } from 'zod';
import { member, sessionView, studio, type SessionView } from '#contracts';
import type { TestStack } from './stack.js';

export interface LiveClass {
  studioId: string;
  sessionId: string;
  /** deviceId → participantId */
  participantsByDevice: Map<string, string>;
  session: SessionView;
}

export async function expectStatus(
  call: Promise<{ status: number; body: unknown }>,
  status: number,
): Promise<unknown> {
  const response = await call;
  if (response.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

export async function setUpLiveClass(stack: TestStack, deviceIds: string[]): Promise<LiveClass> {
  const created = studio.parse(
    await expectStatus(stack.api('POST', '/api/v1/studios', { name: 'Test Studio' }), 201),
  );
  const studioId = created.id;
  for (const [index, deviceId] of deviceIds.entries()) {
    const athlete = member.parse(
      await expectStatus(
        stack.api('POST', `/api/v1/studios/${studioId}/members`, {
          displayName: `Athlete ${index + 1}`,
          birthYear: 1980 + index,
          sex: index % 2 === 0 ? 'female' : 'male',
          weightKg: 60 + index,
        }),
        201,
      ),
    );
    await expectStatus(
      stack.api('PUT', `/api/v1/studios/${studioId}/devices/${encodeURIComponent(deviceId)}`, {
        memberId: athlete.id,
      }),
      200,
    );
  }
  const scheduled = sessionView.parse(
    await expectStatus(
      stack.api('POST', `/api/v1/studios/${studioId}/sessions`, { title: 'Test Class' }),
      201,
    ),
  );
  const members = z
    .object({ members: z.array(member) })
    .parse(await expectStatus(stack.api('GET', `/api/v1/studios/${studioId}/members`), 200)).members;
  for (const athlete of members) {
    await expectStatus(
      stack.api('POST', `/api/v1/sessions/${scheduled.id}/participants`, { memberId: athlete.id }),
      201,
    );
  }
  const live = sessionView.parse(
    await expectStatus(stack.api('POST', `/api/v1/sessions/${scheduled.id}/start`), 200),
  );
  const participantsByDevice = new Map<string, string>();
  for (const participant of live.participants) {
    if (participant.deviceId !== null)
      participantsByDevice.set(participant.deviceId, participant.participantId);
  }
  return { studioId, sessionId: live.id, participantsByDevice, session: live };
}
