import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { TokenVerifier, type Principal } from '#platform';
import { docsPath } from '../docs/docs.controller.js';
import { routeContractOf } from '../http/route.js';

const principals = new WeakMap<Request, Principal>();

function isDocs(path: string): boolean {
  return path === docsPath || path.startsWith(`${docsPath}/`);
}

/** Every route but health, the API's description and the `public` routes needs `Authorization: Bearer <token>`. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(@Inject(TokenVerifier) private readonly verifier: TokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    if (!request.path.startsWith('/api/') || isDocs(request.path)) return true;
    if (routeContractOf(context.getHandler())?.access === 'public') return true;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = await this.verifier.verify(match?.[1]);
    if (principal === null) throw new UnauthorizedException('a valid bearer token is required');
    principals.set(request, principal);
    return true;
  }
}

/** The caller `AuthGuard` verified for this request. */
export function principalOf(request: Request): Principal {
  const principal = principals.get(request);
  if (principal === undefined) throw new UnauthorizedException('a valid bearer token is required');
  return principal;
}

export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Principal =>
  principalOf(context.switchToHttp().getRequest<Request>()),
);
