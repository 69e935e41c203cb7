import { describe, expect, it } from '@jest/globals';
import {
  instanceRegistry,
  type InstanceAnnouncement,
  type NatsHealth,
  type PlatformService,
  type PostgresHealth,
  type ProjectionHealth,
} from '#contracts';
import { assessHealth, servicesHealthOf, type HealthParts } from './health-assessment.js';

const now = 1_800_000_000_000;

function announced(
  service: PlatformService,
  instance: string,
  { agoMs = 1000, down }: { agoMs?: number; down?: Record<string, string> } = {},
): InstanceAnnouncement {
  return {
    service,
    instance,
    version: '0.1.0',
    host: 'host-1',
    port: 3000,
    healthUrl: 'http://host-1:3000/healthz',
    startedAt: now - 60_000,
    at: now - agoMs,
    health: {
      status: down ? 'unavailable' : 'ok',
      service,
      checks: { nats: 'up', ...Object.fromEntries(Object.keys(down ?? {}).map((check) => [check, 'down'])) },
      ...(down && { reasons: down }),
    },
  };
}

const everyService = (): InstanceAnnouncement[] => [
  announced('api', 'api-1'),
  announced('realtime', 'realtime-1'),
  announced('realtime', 'realtime-2'),
  announced('ingest', 'ingest-1'),
  announced('spotify-worker', 'spotify-worker-1'),
];

const natsUp: NatsHealth = {
  status: 'up',
  server: { version: '2.9.10', name: 'n1' },
  rttMs: 0.4,
  streams: [],
  consumers: [],
};
const postgresUp: PostgresHealth = { status: 'up', latencyMs: 1.2 };
const projection = (parked: number | null): ProjectionHealth => ({
  name: 'api-heart-rate',
  stream: 'HR',
  filterSubject: 'hr.>',
  position: 10,
  lastSeq: 12,
  behind: 2,
  parked,
});

function parts(overrides: Partial<HealthParts> = {}): HealthParts {
  return {
    services: servicesHealthOf(everyService(), now),
    nats: natsUp,
    postgres: postgresUp,
    projections: [projection(0)],
    ...overrides,
  };
}

describe('the platform health assessment', () => {
  it('is ok with every service up, NATS and Postgres reachable, nothing parked; a lag alone is no problem', () => {
    const health = assessHealth(parts(), now);
    expect(health.status).toBe('ok');
    expect(health.problems).toEqual([]);
    expect(health.services.map(({ service, status }) => [service, status])).toEqual([
      ['api', 'ok'],
      ['realtime', 'ok'],
      ['ingest', 'ok'],
      ['spotify-worker', 'ok'],
    ]);
  });

  it('is degraded when a service has no instance, and names it', () => {
    const services = servicesHealthOf(
      everyService().filter(({ service }) => service !== 'ingest'),
      now,
    );
    const health = assessHealth(parts({ services }), now);
    expect(health.status).toBe('degraded');
    expect(health.problems).toEqual(['ingest: no instance running']);
    expect(services.find(({ service }) => service === 'ingest')?.status).toBe('down');
  });

  it('calls an instance silent after its announcements stop, and its service degraded while another is up', () => {
    const silentFor = instanceRegistry.silentAfterMs + 5000;
    const services = servicesHealthOf(
      [
        ...everyService().filter(({ instance }) => instance !== 'realtime-2'),
        announced('realtime', 'realtime-2', { agoMs: silentFor }),
      ],
      now,
    );
    const realtime = services.find(({ service }) => service === 'realtime');
    expect(realtime?.status).toBe('degraded');
    expect(realtime?.instances.map(({ instance, state }) => [instance, state])).toEqual([
      ['realtime-1', 'up'],
      ['realtime-2', 'silent'],
    ]);
    expect(assessHealth(parts({ services }), now).problems).toEqual(['realtime: realtime-2 silent for 20 s']);
  });

  it('says why an instance is unavailable, from its own /healthz reasons', () => {
    const services = servicesHealthOf(
      [
        ...everyService().filter(({ service }) => service !== 'api'),
        announced('api', 'api-1', { down: { log: 'evt.session.> not following for 7 s' } }),
      ],
      now,
    );
    const health = assessHealth(parts({ services }), now);
    expect(health.status).toBe('degraded');
    expect(health.problems).toEqual(['api: api-1 unavailable (log: evt.session.> not following for 7 s)']);
    expect(services[0]?.status).toBe('down');
  });

  it('is degraded while a projection has parked events', () => {
    const health = assessHealth(parts({ projections: [projection(2)] }), now);
    expect(health.status).toBe('degraded');
    expect(health.problems).toEqual([
      'projection api-heart-rate: 2 parked events (GET /api/v1/admin/projection-failures)',
    ]);
  });

  it('is down when NATS or Postgres cannot be reached, those first, without a line per unknown service', () => {
    const health = assessHealth(
      parts({
        services: servicesHealthOf(null, now),
        nats: { ...natsUp, status: 'down', reason: 'no answer in 2000 ms', rttMs: null },
        postgres: { status: 'down', reason: 'connection refused', latencyMs: null },
        projections: [projection(null)],
      }),
      now,
    );
    expect(health.status).toBe('down');
    expect(health.problems).toEqual([
      'NATS: no answer in 2000 ms',
      'Postgres: connection refused',
      'services: the instance registry cannot be read (api, realtime, ingest, spotify-worker unknown)',
    ]);
    expect(health.services.every(({ status }) => status === 'unknown')).toBe(true);
  });
});
