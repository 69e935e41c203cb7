import { describe, expect, it } from '@jest/globals';
import type { TokenRole } from '#contracts';
import { may, type Access, type Actor } from './access.js';

const studio = (role: TokenRole): Actor => ({ kind: 'studio', studioId: 'studio-a', role });
const actors: Record<string, Actor> = {
  admin: { kind: 'admin' },
  operator: studio('operator'),
  coach: studio('coach'),
  display: studio('display'),
};

// Every role × access × studio, with the answer each edge gave before `may`
// existed (REST `authorize`/`requireAdmin`, the timer responder, the gateway's
// mayRead/mayCommand, the Spotify worker's mayControl).
const table: [actor: string, access: Access, own: string, other: string, any: string][] = [
  ['admin', 'read', 'ok', 'ok', 'ok'],
  ['admin', 'write', 'ok', 'ok', 'ok'],
  ['admin', 'operate', 'ok', 'ok', 'ok'],
  ['admin', 'admin', 'ok', 'ok', 'ok'],
  ['operator', 'read', 'ok', 'not-found', 'ok'],
  ['operator', 'write', 'ok', 'not-found', 'ok'],
  ['operator', 'operate', 'ok', 'not-found', 'ok'],
  ['operator', 'admin', 'forbidden', 'forbidden', 'forbidden'],
  ['coach', 'read', 'ok', 'not-found', 'ok'],
  ['coach', 'write', 'ok', 'not-found', 'ok'],
  ['coach', 'operate', 'forbidden', 'not-found', 'forbidden'],
  ['coach', 'admin', 'forbidden', 'forbidden', 'forbidden'],
  ['display', 'read', 'ok', 'not-found', 'ok'],
  ['display', 'write', 'forbidden', 'not-found', 'forbidden'],
  ['display', 'operate', 'forbidden', 'not-found', 'forbidden'],
  ['display', 'admin', 'forbidden', 'forbidden', 'forbidden'],
];

const answer = (actor: string, access: Access, studioId?: string) => {
  const decision = may(actors[actor] ?? { kind: 'admin' }, access, studioId);
  return decision.ok ? 'ok' : decision.refusal;
};

describe('may', () => {
  it.each(table)('%s, %s: own studio %s, another %s, any studio %s', (actor, access, own, other, any) => {
    expect(answer(actor, access, 'studio-a')).toBe(own);
    expect(answer(actor, access, 'studio-b')).toBe(other);
    expect(answer(actor, access)).toBe(any);
  });

  it('takes a forwarded command actor as well as a principal', () => {
    const actor = { kind: 'studio', studioId: 'studio-a', role: 'coach', tokenId: 't' } as const;
    expect(may(actor, 'write', 'studio-a')).toEqual({ ok: true });
    expect(may(actor, 'write', 'studio-b')).toEqual({ ok: false, refusal: 'not-found' });
  });
});
