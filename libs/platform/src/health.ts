import { Controller, Get, Header, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { HealthReport } from '#contracts';
import { Metrics, registerProcessMetrics } from './metrics.js';

/** A check's answer: up or not, and when not, why (shown in the /healthz body). */
export type CheckResult = boolean | { up: boolean; reason?: string };

/** A named readiness check: up when the dependency is usable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<CheckResult> | CheckResult;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

/** Providers a service module adds beside `HealthController`. */
export function healthProviders(service: string, metrics: Metrics, checks: ReadinessCheck[]) {
  registerProcessMetrics(metrics);
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
    return this.answer(response);
  }

  @Get('readyz')
  async readyz(@Res({ passthrough: true }) response: Response) {
    return this.answer(response);
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.scrape();
  }

  /** What /healthz answers right now (also what the instance announces on NATS). */
  report(): Promise<HealthReport> {
    return healthReportOf(this.service, this.checks);
  }

  private async answer(response: Response): Promise<HealthReport> {
    const body = await this.report();
    response.status(body.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return body;
  }
}

/** `{ status, service, checks: { name: 'up' | 'down' }, reasons? }`: reasons only for checks that are down. */
export async function healthReportOf(
  service: string,
  checks: readonly ReadinessCheck[],
): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        const result = await check();
        return typeof result === 'boolean' ? { name, up: result } : { name, ...result };
      } catch (error) {
        return { name, up: false, reason: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const states = Object.fromEntries(
    results.map(({ name, up }) => [name, up ? ('up' as const) : ('down' as const)]),
  );
  const reasons = Object.fromEntries(
    results.flatMap(({ name, up, reason }) => (!up && reason !== undefined ? [[name, reason]] : [])),
  );
  return {
    status: results.every(({ up }) => up) ? 'ok' : 'unavailable',
    service,
    checks: states,
    ...(Object.keys(reasons).length > 0 && { reasons }),
  };
}
