import { Controller, Get, Header, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from './metrics.js';

/** A named readiness check: resolves true when the dependency is usable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

/** Providers a service module adds beside `HealthController`. */
export function healthProviders(service: string, metrics: Metrics, checks: ReadinessCheck[]) {
  return [
    { provide: SERVICE_NAME, useValue: service },
    { provide: READINESS_CHECKS, useValue: checks },
    { provide: Metrics, useValue: metrics },
  ];
}

@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly metrics: Metrics,
  ) {}

  /** Liveness and readiness together: 200 once every dependency answers. */
  @Get('healthz')
  async healthz(@Res({ passthrough: true }) response: Response) {
    return this.report(response);
  }

  @Get('readyz')
  async readyz(@Res({ passthrough: true }) response: Response) {
    return this.report(response);
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): string {
    return this.metrics.render();
  }

  private async report(response: Response) {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          return [name, (await check()) ? 'up' : 'down'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ok = results.every(([, state]) => state === 'up');
    const body = { status: ok ? 'ok' : 'unavailable', service: this.service, checks };
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return body;
  }
}
