import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { may, type Actor, type Principal } from '#platform';

type StudioAccess = 'read' | 'write' | 'operate';

/** The 403 of a studio token whose role may not do this (the rules are `may`'s, #platform). */
function forbidden(actor: Actor, access: StudioAccess | 'admin'): ForbiddenException {
  if (actor.kind === 'admin' || access === 'admin') {
    return new ForbiddenException('this needs the operator bootstrap token');
  }
  if (access === 'operate') {
    return new ForbiddenException(`this needs an operator token, not a ${actor.role} token`);
  }
  return new ForbiddenException(`a ${actor.role} token cannot change anything`);
}

/**
 * Checks that the caller may act on this studio. Another studio's resources
 * answer 404, as if they did not exist; a display token may only read.
 */
export function authorize(actor: Actor, studioId: string, access: StudioAccess, resource = 'resource'): void {
  const decision = may(actor, access, studioId);
  if (decision.ok) return;
  if (decision.refusal === 'not-found') throw new NotFoundException(`${resource} not found`);
  throw forbidden(actor, access);
}

export function requireAdmin(principal: Principal): void {
  if (!may(principal, 'admin').ok) throw forbidden(principal, 'admin');
}
