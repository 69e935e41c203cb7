import { ForbiddenException, NotFoundException } from '@nestjs/common';
import type { TokenRole } from '#contracts';
import type { Principal } from '#platform';

const writers: ReadonlySet<TokenRole> = new Set(['coach', 'operator']);

/**
 * Checks that the caller may act on this studio. Another studio's resources
 * answer 404, as if they did not exist; a display token may only read.
 */
export function authorize(
  principal: Principal,
  studioId: string,
  access: 'read' | 'write' | 'operate',
  resource = 'resource',
): void {
  if (principal.kind === 'admin') return;
  if (principal.studioId !== studioId) throw new NotFoundException(`${resource} not found`);
  if (access === 'write' && !writers.has(principal.role)) {
    throw new ForbiddenException(`a ${principal.role} token cannot change anything`);
  }
  if (access === 'operate' && principal.role !== 'operator') {
    throw new ForbiddenException(`this needs an operator token, not a ${principal.role} token`);
  }
}

export function requireAdmin(principal: Principal): void {
  if (principal.kind !== 'admin') throw new ForbiddenException('this needs the operator bootstrap token');
}
