// Public contract 3: the answers that the handlers used to shape inline. The
// OpenAPI document (GET /api/docs) describes every answer from a schema here or
// in rest.ts, listing.ts and history.ts.
import { z } from 'zod';
import { entityId, epochMs, subjectToken } from './common.js';
import { member, sessionView, tokenRole } from './rest.js';

export const memberList = z.object({ members: z.array(member) });
export type MemberList = z.infer<typeof memberList>;

/** The answer that creates a token: the only time the token itself is shown. */
export const issuedToken = z.object({
  id: entityId,
  role: tokenRole,
  label: z.string().nullable(),
  expiresAt: epochMs.nullable(),
  token: z.string(),
});
export type IssuedToken = z.infer<typeof issuedToken>;

/** A token as listed: never its secret (only its hash is stored). */
export const studioToken = z.object({
  id: entityId,
  role: tokenRole,
  label: z.string().nullable(),
  createdAt: epochMs,
  expiresAt: epochMs.nullable(),
  revokedAt: epochMs.nullable(),
});
export const studioTokenList = z.object({ tokens: z.array(studioToken) });
export type StudioTokenList = z.infer<typeof studioTokenList>;

/** A strap paired with an athlete of the studio. */
/** The answer to pairing a strap (the list's entries are `pairedDevice`, in devices.ts). */
export const devicePairing = z.object({ deviceId: z.string(), memberId: entityId, pairedAt: epochMs });
export type DevicePairing = z.infer<typeof devicePairing>;

export const participantAdded = z.object({ participantId: entityId, session: sessionView });
export type ParticipantAdded = z.infer<typeof participantAdded>;

/** A gateway of the studio as listed: never its credentials (only its public key is stored). */
export const registeredGateway = z.object({
  gatewayId: subjectToken,
  studioId: entityId,
  name: z.string().nullable(),
  createdAt: epochMs,
});

/**
 * The answer that registers a gateway: the only time its credentials are shown. `creds` is a
 * standard NATS credentials file (user JWT and seed) for the NATS CLI and every NATS client.
 */
export const issuedGateway = registeredGateway.extend({
  creds: z.string().meta({ description: 'NATS credentials file text (user JWT and nkey seed), shown once' }),
});
export type IssuedGateway = z.infer<typeof issuedGateway>;

export const gatewayList = z.object({
  gateways: z.array(
    registeredGateway.extend({
      /** When HRM_INGRESS last received a message on one of its subjects (it keeps 24 h); null: not since. */
      lastSeenAt: epochMs.nullable(),
    }),
  ),
});
export type GatewayList = z.infer<typeof gatewayList>;

/**
 * `GET /api/v1/config` (no token): what a web page served by the API needs
 * before it can connect, the public URL of the realtime service.
 */
export const publicConfig = z.object({ realtimeUrl: z.url() });
export type PublicConfig = z.infer<typeof publicConfig>;

/** Who a token speaks for: the bootstrap token (`admin`, every studio) or a studio token's role. */
export const callerRole = z.enum(['display', 'coach', 'operator', 'admin']);
export type CallerRole = z.infer<typeof callerRole>;

/**
 * `GET /api/v1/me`: what the caller's token may do, so a page can offer only what it may
 * (a display token gets no controls). `studioId` is null for the bootstrap token.
 */
export const whoAmI = z.object({ role: callerRole, studioId: entityId.nullable() });
export type WhoAmI = z.infer<typeof whoAmI>;

/** `GET /studios/:studioId/spotify/authorize` asked with `Accept: application/json`: the consent page to open. */
export const spotifySignInUrl = z.object({ url: z.url() });
export type SpotifySignInUrl = z.infer<typeof spotifySignInUrl>;
