// A class as a screen holds it: the snapshot of `session:subscribe`, then every
// event of the room merged in, as docs/contracts/live.md describes. Pure: each
// function returns a new state, and an athlete whose value did not change keeps
// the same object, so a tile that did not change is not drawn again.
import {
  decodeCompactValues,
  type HrmMetadata,
  type HrmValuesCompact,
  type LiveAlert,
  type LiveSession,
  type LiveValue,
  type MetadataParticipant,
  type SessionSnapshot,
  type SessionStatus,
  type SpotifyState,
  type TimerState,
} from '#contracts';

export interface ClassState {
  session: LiveSession;
  /** `hrm:metadata`'s version: a lower one is ignored. */
  version: number;
  participants: readonly MetadataParticipant[];
  values: ReadonlyMap<string, LiveValue>;
  /** The last frame's number; the next must be `seq + 1` (or `full`). */
  seq: number;
  timer: TimerState | null;
  spotify: SpotifyState | null;
  /** The newest alerts first, at most `ALERTS_KEPT`. */
  alerts: readonly LiveAlert[];
}

export const ALERTS_KEPT = 20;

export function classStateOf(snapshot: SessionSnapshot): ClassState {
  return {
    session: snapshot.session,
    version: snapshot.metadata.version,
    participants: snapshot.metadata.participants,
    values: new Map(snapshot.values.values.map((value) => [value.participantId, value])),
    seq: snapshot.values.seq,
    timer: snapshot.timer,
    spotify: snapshot.spotify,
    alerts: [],
  };
}

export function withMetadata(state: ClassState, metadata: HrmMetadata): ClassState {
  if (metadata.sessionId !== state.session.sessionId || metadata.version < state.version) return state;
  const present = new Set(metadata.participants.map(({ participantId }) => participantId));
  const values = new Map([...state.values].filter(([participantId]) => present.has(participantId)));
  return { ...state, version: metadata.version, participants: metadata.participants, values };
}

export type FrameResult = { state: ClassState; gap: boolean };

/**
 * Merges a values frame. A `full` frame replaces the map; a frame that is not
 * the next one is a gap: the state is unchanged and the caller subscribes again.
 */
export function withFrame(state: ClassState, compact: HrmValuesCompact): FrameResult {
  if (compact.sessionId !== state.session.sessionId) return { state, gap: false };
  const frame = decodeCompactValues(compact);
  if (frame.full) {
    const values = new Map(frame.values.map((value) => [value.participantId, keep(state, value)]));
    return { state: { ...state, values, seq: frame.seq }, gap: false };
  }
  if (frame.seq !== state.seq + 1) return { state, gap: frame.seq > state.seq };
  const values = new Map(state.values);
  for (const value of frame.values) values.set(value.participantId, value);
  return { state: { ...state, values, seq: frame.seq }, gap: false };
}

/** The value already held when nothing in it changed (a full frame repeats most athletes). */
function keep(state: ClassState, value: LiveValue): LiveValue {
  const held = state.values.get(value.participantId);
  return held !== undefined && sameValue(held, value) ? held : value;
}

const sameValue = (a: LiveValue, b: LiveValue) =>
  a.bpm === b.bpm &&
  a.zone === b.zone &&
  a.pctMax === b.pctMax &&
  a.kcal === b.kcal &&
  a.points === b.points &&
  a.status === b.status &&
  a.ts === b.ts;

export function withTimer(state: ClassState, timer: TimerState): ClassState {
  if (timer.sessionId !== state.session.sessionId) return state;
  if (state.timer && timer.version < state.timer.version) return state;
  return { ...state, timer };
}

export function withSpotify(state: ClassState, spotify: SpotifyState): ClassState {
  if (spotify.studioId !== state.session.studioId) return state;
  return { ...state, spotify };
}

export function withSessionStatus(state: ClassState, sessionId: string, status: SessionStatus): ClassState {
  if (sessionId !== state.session.sessionId || state.session.status === status) return state;
  return { ...state, session: { ...state.session, status } };
}

export function withAlert(state: ClassState, alert: LiveAlert): ClassState {
  if (alert.sessionId !== state.session.sessionId) return state;
  return { ...state, alerts: [alert, ...state.alerts].slice(0, ALERTS_KEPT) };
}
