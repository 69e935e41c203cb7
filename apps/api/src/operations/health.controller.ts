import { Controller, Get, Inject } from '@nestjs/common';
import type { PlatformHealth } from '#contracts';
import { Route } from '../http/route.js';
import { healthRoutes as routes } from './health.routes.js';
import { PlatformHealthProbe } from './platform-health.js';

/** The platform's health spans every studio and its infrastructure: the platform operator's only (`access: 'admin'`). */
@Controller('api/v1/admin/health')
export class PlatformHealthController {
  constructor(@Inject(PlatformHealthProbe) private readonly probe: PlatformHealthProbe) {}

  @Get()
  @Route(routes.health)
  async health(): Promise<PlatformHealth> {
    return this.probe.check();
  }
}
