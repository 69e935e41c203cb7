// The demo studio, its twelve athletes with paired straps, and a live class,
// made through the REST contract as an operator would; on a later start the
// remembered ones are checked and reused, and whatever is missing is redone.
import { z } from 'zod';
import { deviceList, entityId, member, sessionView, studio, type SessionView } from '#contracts';
import { ApiError, type ApiClient } from './api-client.js';
import { DEMO_ATHLETES, readDemoState, writeDemoState, type DemoState } from './demo-state.js';

export interface DemoSetup {
  studioId: string;
  sessionId: string;
  gatewayId: string;
  displayToken: string;
  /** A coach token of the studio, for the Coach link. */
  coachToken: string;
  /** Whether the class was reused from a previous start. */
  reused: boolean;
}

const memberList = z.object({ members: z.array(member) });
const issuedToken = z.object({ token: z.string().min(16) });
const addedParticipant = z.object({ participantId: entityId });

const DEMO_STUDIO = { name: 'Demo Studio' };
const DEMO_CLASS_TITLE = 'Demo class';

/** The studio remembered in `state`, or a new one (and then nothing else of the state is kept). */
async function ensureStudio(api: ApiClient, state: DemoState | null, gatewayId: string): Promise<DemoState> {
  if (state !== null && (await api.find(`/studios/${state.studioId}`, studio)) !== null) return state;
  const created = await api.call('POST', '/studios', studio, DEMO_STUDIO);
  return {
    studioId: created.id,
    gatewayId,
    memberIds: [],
    sessionId: null,
    displayToken: null,
    coachToken: null,
  };
}

/** Every demo athlete exists and wears its strap; true when anything had to change. */
async function ensureAthletes(
  api: ApiClient,
  state: DemoState,
  deviceIds: readonly string[],
): Promise<boolean> {
  const route = `/studios/${state.studioId}`;
  const [members, devices] = await Promise.all([
    api.call('GET', `${route}/members`, memberList),
    api.call('GET', `${route}/devices`, deviceList),
  ]);
  const existing = new Set(members.members.map((athlete) => athlete.id));
  const paired = new Map(devices.devices.map((device) => [device.deviceId, device.memberId]));
  const athletes = await Promise.all(
    DEMO_ATHLETES.map(async (athlete, index) => {
      const kept = state.memberIds[index];
      const memberId =
        kept !== undefined && existing.has(kept)
          ? kept
          : (await api.call('POST', `${route}/members`, member, athlete)).id;
      const deviceId = deviceIds[index];
      const pair = deviceId !== undefined && paired.get(deviceId) !== memberId;
      if (pair) {
        const devicePath = `${route}/devices/${encodeURIComponent(deviceId)}`;
        await api.call('PUT', devicePath, z.unknown(), { memberId }, 200);
      }
      return { memberId, changed: memberId !== kept || pair };
    }),
  );
  state.memberIds = athletes.map((athlete) => athlete.memberId);
  return athletes.some((athlete) => athlete.changed);
}

/** The class has every demo athlete with their strap (so the simulator's samples reach it). */
function hasDemoRoster(session: SessionView, state: DemoState, deviceIds: readonly string[]): boolean {
  return state.memberIds.every((memberId, index) =>
    session.participants.some((p) => p.memberId === memberId && p.deviceId === deviceIds[index]),
  );
}

/** The remembered class when it is still usable (started if it was only scheduled), else null. */
async function reusableClass(
  api: ApiClient,
  state: DemoState,
  deviceIds: readonly string[],
  athletesChanged: boolean,
): Promise<SessionView | null> {
  if (state.sessionId === null) return null;
  const session = await api.find(`/sessions/${state.sessionId}`, sessionView);
  if (session === null || session.studioId !== state.studioId || session.status === 'ended') return null;
  if (athletesChanged || !hasDemoRoster(session, state, deviceIds)) {
    // One live class per set of straps: an outdated one is ended, not left running.
    if (session.status === 'live')
      await api.call('POST', `/sessions/${session.id}/end`, sessionView, undefined, 200);
    return null;
  }
  if (session.status === 'live') return session;
  return api.call('POST', `/sessions/${session.id}/start`, sessionView, undefined, 200);
}

/**
 * The athletes join all at once: the API runs one class's commands one after
 * another, and the winners share its waits for the read model. A 412 (another
 * writer got in between, more times than the API retries) is retried here.
 */
async function retryOnConflict<T>(command: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await command();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 412) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
  }
}

async function newClass(
  api: ApiClient,
  state: DemoState,
  deviceIds: readonly string[],
): Promise<SessionView> {
  const scheduled = await api.call('POST', `/studios/${state.studioId}/sessions`, sessionView, {
    title: DEMO_CLASS_TITLE,
  });
  await Promise.all(
    state.memberIds.map((memberId, index) => {
      const deviceId = deviceIds[index];
      const body = deviceId === undefined ? { memberId } : { memberId, deviceId };
      return retryOnConflict(() =>
        api.call('POST', `/sessions/${scheduled.id}/participants`, addedParticipant, body),
      );
    }),
  );
  return api.call('POST', `/sessions/${scheduled.id}/start`, sessionView, undefined, 200);
}

/** The kept token of the studio when it still works, else a new one with `role`. */
async function ensureToken(
  api: ApiClient,
  state: DemoState,
  kept: string | null,
  role: 'display' | 'coach',
): Promise<string> {
  if (kept !== null && (await api.as(kept).find(`/studios/${state.studioId}`, studio)) !== null) return kept;
  const body = { role, label: 'npm start demo' };
  return (await api.call('POST', `/studios/${state.studioId}/tokens`, issuedToken, body)).token;
}

export async function ensureDemo(
  api: ApiClient,
  dataDir: string,
  gatewayId: string,
  deviceIds: readonly string[],
): Promise<DemoSetup> {
  const state = await ensureStudio(api, readDemoState(dataDir), gatewayId);
  state.gatewayId = gatewayId;
  writeDemoState(dataDir, state);
  const athletesChanged = await ensureAthletes(api, state, deviceIds);
  writeDemoState(dataDir, state);
  const reused = await reusableClass(api, state, deviceIds, athletesChanged);
  const live = reused ?? (await newClass(api, state, deviceIds));
  state.sessionId = live.id;
  state.displayToken = await ensureToken(api, state, state.displayToken, 'display');
  state.coachToken = await ensureToken(api, state, state.coachToken, 'coach');
  writeDemoState(dataDir, state);
  return {
    studioId: state.studioId,
    sessionId: live.id,
    gatewayId,
    displayToken: state.displayToken,
    coachToken: state.coachToken,
    reused: reused !== null,
  };
}
