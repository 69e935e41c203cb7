import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { instanceAnnouncement, instanceKey, type HealthReport } from '#contracts';
import { testLogger, testNatsUrl } from '#testing';
import { InstanceAnnouncer, openInstanceRegistry, platformVersion, registeredInstances } from './announce.js';

describe('the instance registry', () => {
  let connection: NatsConnection;

  beforeAll(async () => {
    connection = await connect({ servers: testNatsUrl() });
  });
  afterAll(async () => {
    await connection.close();
  });

  const announced = async (instance: string) => {
    const entry = await (await openInstanceRegistry(connection)).get(instanceKey(instance));
    return entry?.operation === 'PUT' ? instanceAnnouncement.parse(entry.json()) : null;
  };

  it('holds what an instance announces, fresh at every beat, until it stops', async () => {
    const instance = `ingest-${crypto.randomBytes(4).toString('hex')}`;
    let report: HealthReport = { status: 'ok', service: 'ingest', checks: { nats: 'up' } };
    const { logger } = testLogger();
    const announcer = await InstanceAnnouncer.start(connection, {
      service: 'ingest',
      instance,
      port: 3002,
      report: async () => report,
      logger,
      heartbeatMs: 100,
    });
    const first = await announced(instance);
    expect(first).toMatchObject({ service: 'ingest', instance, port: 3002, health: report });
    expect(first?.healthUrl).toMatch(/^http:\/\/[^/]+:3002\/healthz$/);
    expect(first?.version).toBe(
      z.object({ version: z.string() }).parse(JSON.parse(fs.readFileSync('package.json', 'utf8'))).version,
    );

    report = { status: 'unavailable', service: 'ingest', checks: { nats: 'up', consumer: 'down' } };
    await new Promise((resolve) => setTimeout(resolve, 400));
    const later = await announced(instance);
    expect(later?.health).toEqual(report);
    expect(later?.at).toBeGreaterThan(first?.at ?? 0);

    await announcer.stop();
    expect(await announced(instance)).toBeNull();
    // No beat brings it back.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await announced(instance)).toBeNull();
  });

  it("lists each instance once while instances are beating (the KV's key listing repeats some and misses others)", async () => {
    const run = crypto.randomBytes(4).toString('hex');
    const instances = [1, 2, 3].map((n) => `realtime-${run}-${n}`);
    const { logger } = testLogger();
    const announcers = await Promise.all(
      instances.map((instance, index) =>
        InstanceAnnouncer.start(connection, {
          service: 'realtime',
          instance,
          port: 3100 + index,
          report: async () => ({ status: 'ok', service: 'realtime', checks: { nats: 'up' } }),
          logger,
          heartbeatMs: 1,
        }),
      ),
    );
    try {
      const registry = await openInstanceRegistry(connection);
      const jsm = await jetstreamManager(connection);
      for (let read = 0; read < 150; read++) {
        const ours = (await registeredInstances(jsm, registry))
          .map(({ instance }) => instance)
          .filter((instance) => instance.includes(run))
          .sort();
        expect(ours).toEqual(instances);
      }
    } finally {
      await Promise.all(announcers.map((announcer) => announcer.stop()));
    }
  }, 60_000);

  it("reads the platform's version from the nearest package.json, and says unknown without one", () => {
    expect(platformVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(platformVersion('/')).toBe('unknown');
  });
});
