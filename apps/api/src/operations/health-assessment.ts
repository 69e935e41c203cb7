// What the parts of the platform say, judged: each instance from its last
// announcement, each service from its instances, and the platform from all of
// it, with one line per thing that is not ok. Pure, so every rule is tested
// without a stack (health-assessment.spec.ts).
import {
  instanceRegistry,
  platformServices,
  type InstanceAnnouncement,
  type InstanceHealth,
  type NatsHealth,
  type OverallStatus,
  type PlatformHealth,
  type PlatformService,
  type PostgresHealth,
  type ProjectionHealth,
  type ServiceHealth,
} from '#contracts';

export function instanceHealthOf(announcement: InstanceAnnouncement, now: number): InstanceHealth {
  const lastSeenMsAgo = Math.max(0, now - announcement.at);
  const state =
    lastSeenMsAgo > instanceRegistry.silentAfterMs
      ? 'silent'
      : announcement.health.status === 'ok'
        ? 'up'
        : 'unavailable';
  return {
    instance: announcement.instance,
    state,
    version: announcement.version,
    healthUrl: announcement.healthUrl,
    startedAt: announcement.startedAt,
    lastSeenMsAgo,
    checks: announcement.health.checks,
    ...(announcement.health.reasons && { reasons: announcement.health.reasons }),
  };
}

/** Every service of the platform, each with its announced instances (none: down); null: the registry cannot be read. */
export function servicesHealthOf(
  announcements: readonly InstanceAnnouncement[] | null,
  now: number,
): ServiceHealth[] {
  return platformServices.map((service): ServiceHealth => {
    if (announcements === null) return { service, status: 'unknown', instances: [] };
    const instances = announcements
      .filter((announcement) => announcement.service === service)
      .map((announcement) => instanceHealthOf(announcement, now))
      .sort((a, b) => a.instance.localeCompare(b.instance));
    const up = instances.filter((instance) => instance.state === 'up').length;
    return { service, status: up === 0 ? 'down' : up === instances.length ? 'ok' : 'degraded', instances };
  });
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function instanceProblem(service: PlatformService, instance: InstanceHealth): string | null {
  if (instance.state === 'silent')
    return `${service}: ${instance.instance} silent for ${seconds(instance.lastSeenMsAgo)}`;
  if (instance.state === 'up') return null;
  const down = Object.entries(instance.checks)
    .filter(([, state]) => state === 'down')
    .map(([check]) => {
      const reason = instance.reasons?.[check];
      return reason === undefined ? check : `${check}: ${reason}`;
    });
  return `${service}: ${instance.instance} unavailable (${down.join('; ') || 'not ready'})`;
}

export interface HealthParts {
  services: ServiceHealth[];
  nats: NatsHealth;
  postgres: PostgresHealth;
  projections: ProjectionHealth[];
}

/**
 * down: the API cannot reach NATS or Postgres, so nothing works; degraded: the
 * platform answers but a service has no ready instance (or one of them is not
 * ready), or a projection parked events an operator has to look at; else ok.
 */
export function assessHealth(parts: HealthParts, checkedAt: number): PlatformHealth {
  const fatal = [
    ...(parts.nats.status === 'down' ? [`NATS: ${parts.nats.reason ?? 'unreachable'}`] : []),
    ...(parts.postgres.status === 'down' ? [`Postgres: ${parts.postgres.reason ?? 'unreachable'}`] : []),
  ];
  const unknown = parts.services.filter(({ status }) => status === 'unknown').map(({ service }) => service);
  const attention = [
    ...(unknown.length > 0
      ? [`services: the instance registry cannot be read (${unknown.join(', ')} unknown)`]
      : []),
    ...parts.services.flatMap(({ service, status, instances }) =>
      status === 'unknown'
        ? []
        : instances.length === 0
          ? [`${service}: no instance running`]
          : instances.flatMap((instance) => instanceProblem(service, instance) ?? []),
    ),
    ...parts.projections.flatMap(({ name, parked }) =>
      parked !== null && parked > 0
        ? [
            `projection ${name}: ${parked} parked event${parked === 1 ? '' : 's'} (GET /api/v1/admin/projection-failures)`,
          ]
        : [],
    ),
  ];
  const status: OverallStatus = fatal.length > 0 ? 'down' : attention.length > 0 ? 'degraded' : 'ok';
  return { status, checkedAt, problems: [...fatal, ...attention], ...parts };
}
