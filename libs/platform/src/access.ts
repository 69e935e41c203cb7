// Who may do what, written once: the REST guard, the Socket.IO gateway, the
// API's NATS responders and the Spotify worker all ask `may`. Each edge words
// the refusal its own way; the decision is the same everywhere.
import type { TokenRole } from '#contracts';

/**
 * What a caller wants to do: read a studio's state, change it (a class, the
 * timer, the music), run the studio (tokens, members, settings), or run the
 * platform (every studio, its health). The same words as a route's `access`.
 */
export type Access = 'read' | 'write' | 'operate' | 'admin';

/** The caller as every edge knows it: a `Principal`, or a forwarded command's actor. */
export type Actor = { kind: 'admin' } | { kind: 'studio'; studioId: string; role: TokenRole };

/**
 * `not-found`: the thing is in another studio, and answers as if it did not exist.
 * `forbidden`: the caller's role may not do this.
 */
export type Refusal = 'not-found' | 'forbidden';
export type Decision = { ok: true } | { ok: false; refusal: Refusal };

const roles: Readonly<Record<Exclude<Access, 'admin'>, ReadonlySet<TokenRole>>> = {
  read: new Set(['display', 'coach', 'operator']),
  write: new Set(['coach', 'operator']),
  operate: new Set(['operator']),
};

const allowed: Decision = { ok: true };
const refused = (refusal: Refusal): Decision => ({ ok: false, refusal });

/**
 * The platform operator may do anything anywhere; a studio token acts only on
 * its own studio (another studio's is not found) and only as far as its role
 * goes. Without `studioId`, only the role is asked (may this caller ever write?).
 */
export function may(actor: Actor, access: Access, studioId?: string): Decision {
  if (actor.kind === 'admin') return allowed;
  if (access === 'admin') return refused('forbidden');
  if (studioId !== undefined && actor.studioId !== studioId) return refused('not-found');
  return roles[access].has(actor.role) ? allowed : refused('forbidden');
}
