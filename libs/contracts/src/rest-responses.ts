// Public contract 3: the answers that the handlers used to shape inline. The
// OpenAPI document (GET /api/docs) describes every answer from a schema here or
// in rest.ts, listing.ts and history.ts.
import { z } from 'zod';
import { entityId, epochMs } from './common.js';
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
