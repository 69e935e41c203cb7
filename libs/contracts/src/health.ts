// The body of every service's /healthz and /readyz (docs/contracts/rest.md, health and metrics).
import { z } from 'zod';

export const healthReport = z.object({
  status: z.enum(['ok', 'unavailable']),
  service: z.string(),
  checks: z.record(z.string(), z.enum(['up', 'down'])),
  /** Why each check that is down is down (e.g. `log: "evt.session.> not following for 7 s"`); absent when all are up. */
  reasons: z.record(z.string(), z.string()).optional(),
});
export type HealthReport = z.infer<typeof healthReport>;
