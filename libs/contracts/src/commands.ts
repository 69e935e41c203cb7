// Commands that screens and the API hand to the service that owns the state
// (timer: the API's class aggregate; playback: the Spotify worker), over NATS
// request-reply. The payloads a coach sends on the socket are contract 2; the
// envelope on NATS says who asked, checked again by the owner.
import { z } from 'zod';
import { entityId } from './common.js';
import { tokenRole } from './rest.js';
import { spotifyState } from './spotify.js';
import { timerState } from './timer.js';

export const commandSubjects = {
  timer: (sessionId: string) => `cmd.timer.${sessionId}`,
  allTimer: 'cmd.timer.>',
  spotify: (studioId: string) => `cmd.spotify.${studioId}`,
  allSpotify: 'cmd.spotify.>',
} as const;

/** Who sent a command: the bootstrap operator, or a studio's token with its role. */
export const commandActor = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('admin') }),
  z.strictObject({
    kind: z.literal('studio'),
    studioId: entityId,
    role: tokenRole,
    tokenId: z.string().min(1),
  }),
]);
export type CommandActor = z.infer<typeof commandActor>;

export const timerAction = z.enum(['start', 'pause', 'resume', 'reset', 'skip']);
export type TimerAction = z.infer<typeof timerAction>;

/** `timer:command` on the socket. */
export const timerCommandRequest = z.strictObject({ sessionId: entityId, action: timerAction });
export type TimerCommandRequest = z.infer<typeof timerCommandRequest>;

export const spotifyAction = z.enum(['play', 'pause', 'next', 'previous', 'volume', 'transfer']);
export type SpotifyAction = z.infer<typeof spotifyAction>;

/** `spotify:command` on the socket: `volume` (0..100) with `volume`, `deviceId` with `transfer`. */
export const spotifyCommandRequest = z
  .strictObject({
    studioId: entityId,
    action: spotifyAction,
    volume: z.int().min(0).max(100).optional(),
    deviceId: z.string().min(1).max(128).optional(),
  })
  .refine((command) => command.action !== 'volume' || command.volume !== undefined, {
    message: 'volume is required with action volume',
    path: ['volume'],
  })
  .refine((command) => command.action !== 'transfer' || command.deviceId !== undefined, {
    message: 'deviceId is required with action transfer',
    path: ['deviceId'],
  });
export type SpotifyCommandRequest = z.infer<typeof spotifyCommandRequest>;

/** What travels on `cmd.timer.<sessionId>` / `cmd.spotify.<studioId>`. */
export const forwardedTimerCommand = z.strictObject({ command: timerCommandRequest, actor: commandActor });
export type ForwardedTimerCommand = z.infer<typeof forwardedTimerCommand>;
export const forwardedSpotifyCommand = z.strictObject({
  command: spotifyCommandRequest,
  actor: commandActor,
});
export type ForwardedSpotifyCommand = z.infer<typeof forwardedSpotifyCommand>;

export const commandError = z.strictObject({ code: z.string().min(1), message: z.string() });

/** The owner's answer: its view after the command, or why it refused. */
function ownerReply<S extends z.ZodType>(state: S) {
  return z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), state: state.optional() }),
    z.strictObject({ ok: z.literal(false), error: commandError }),
  ]);
}

/**
 * The owner's answer. `state` is the owner's view after the command: the
 * timer's `timer:state` (the API always sends it), the studio's playback (the
 * Spotify worker sends none today: the next poll publishes it).
 * Every owner checks the actor's token against the database again and answers
 * `unauthorized` when it was revoked or has expired since the socket connected.
 * When nobody answers (no owner running), the forwarder answers
 * `{ ok: false, error: { code: 'not-available' } }` itself.
 */
export const timerCommandReply = ownerReply(timerState);
export type TimerCommandReply = z.infer<typeof timerCommandReply>;
export const spotifyCommandReply = ownerReply(spotifyState);
export type SpotifyCommandReply = z.infer<typeof spotifyCommandReply>;
/** Either owner's answer, as realtime hands it on in the ack. */
export const commandReply = ownerReply(z.union([timerState, spotifyState]));
export type CommandReply = z.infer<typeof commandReply>;
