import { Controller, Get } from '@nestjs/common';
import type { WhoAmI } from '#contracts';
import type { Principal } from '#platform';
import { Route } from '../http/route.js';
import { Caller } from './auth.guard.js';
import { meRoutes as routes } from './me.routes.js';

/** The verified token as a page needs it: no secret, no token id, only what it may do and where. */
export function whoIs(principal: Principal): WhoAmI {
  return principal.kind === 'admin'
    ? { role: 'admin', studioId: null }
    : { role: principal.role, studioId: principal.studioId };
}

@Controller('api/v1/me')
export class MeController {
  @Get()
  @Route(routes.me)
  me(@Caller() caller: Principal): WhoAmI {
    return whoIs(caller);
  }
}
