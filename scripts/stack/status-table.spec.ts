import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { PlatformHealth } from '#contracts';
import { statusEnv } from '#config';
import { statusTarget } from './status-report.js';
import { bytes, statusLines } from './status-table.js';

const health: PlatformHealth = {
  status: 'degraded',
  checkedAt: Date.UTC(2026, 11, 4, 12, 0, 1),
  problems: ['ingest: no instance running'],
  services: [
    {
      service: 'api',
      status: 'ok',
      instances: [
        {
          instance: 'api-1',
          state: 'up',
          version: '0.1.0',
          healthUrl: 'http://host-1:3000/healthz',
          startedAt: Date.UTC(2026, 11, 4, 11, 0, 0),
          lastSeenMsAgo: 2400,
          checks: { nats: 'up' },
        },
      ],
    },
    { service: 'ingest', status: 'down', instances: [] },
  ],
  nats: {
    status: 'up',
    server: { version: '2.9.10', name: null },
    rttMs: 0.4,
    streams: [{ name: 'HR', messages: 12_345, bytes: 2_500_000, firstSeq: 1, lastSeq: 12_345, consumers: 3 }],
    consumers: [
      {
        stream: 'HRM_INGRESS',
        name: 'ingest',
        filterSubject: 'hrm.v1.samples.>',
        pending: 42,
        ackPending: 7,
        redelivered: 0,
        waiting: 0,
      },
    ],
  },
  postgres: { status: 'up', latencyMs: 1.3 },
  projections: [
    {
      name: 'api-heart-rate',
      stream: 'HR',
      filterSubject: 'hr.>',
      position: 12_300,
      lastSeq: 12_345,
      behind: 45,
      parked: 0,
    },
    {
      name: 'api-sessions',
      stream: 'EVENTS',
      filterSubject: 'evt.session.>',
      position: null,
      lastSeq: 80,
      behind: null,
      parked: null,
    },
  ],
};

describe('npm run status', () => {
  const text = statusLines(health, 'http://127.0.0.1:3000', false).join('\n');

  it('heads with the overall status, the API it asked and when', () => {
    expect(text.split('\n')[0]).toBe(
      'HRM platform DEGRADED  (http://127.0.0.1:3000, 2026-12-04 12:00:01 UTC)',
    );
  });

  it('lists each instance, and a service without one, in aligned columns', () => {
    expect(text).toContain(
      [
        '  SERVICE  INSTANCE        VERSION  STARTED   LAST SEEN  HEALTH URL                  STATE',
        '  api      api-1           0.1.0    11:00:00  2 s ago    http://host-1:3000/healthz  up',
        '  ingest   (none running)                                                            down',
      ].join('\n'),
    );
  });

  it('shows the streams, the durable consumers with their lag, Postgres and the projections', () => {
    expect(text).toContain('NATS up  nats-server 2.9.10, round trip 0.4 ms');
    expect(text).toMatch(/\n {2}HR +12,345 +2\.5 MB +1 +12,345 +3\n/);
    expect(text).toMatch(/\n {2}ingest +HRM_INGRESS +42 +7 +0 +0\n/);
    expect(text).toContain('Postgres up  SELECT 1 in 1.3 ms');
    expect(text).toMatch(/\n {2}api-heart-rate +HR +hr\.> +12,300 +12,345 +45 +0\n/);
    expect(text).toMatch(/\n {2}api-sessions +EVENTS +evt\.session\.> +- +80 +- +-/);
  });

  it('ends with what is wrong, one line each', () => {
    expect(text.endsWith('Problems\n  - ingest: no instance running')).toBe(true);
  });

  it('writes sizes as a person reads them', () => {
    expect([bytes(999), bytes(1000), bytes(49_500), bytes(2_500_000_000)]).toEqual([
      '999 B',
      '1.0 kB',
      '49.5 kB',
      '2.5 GB',
    ]);
  });
});

describe('where npm run status asks', () => {
  const dirs: string[] = [];
  const dataDir = (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-status-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("asks the local stack's API port with its kept operator token", () => {
    const dir = dataDir({
      'ports.json': '{"nats":14222,"api":4100}',
      'admin-token': 'hrm_admin_0123456789abcdef\n',
    });
    expect(statusTarget(statusEnv.parse({ HRM_DATA_DIR: dir }))).toEqual({
      apiUrl: 'http://127.0.0.1:4100',
      token: 'hrm_admin_0123456789abcdef',
      tokenSource: path.join(dir, 'admin-token'),
    });
  });

  it('takes HRM_API_URL, API_PORT and HRM_ADMIN_TOKEN over the files', () => {
    const dir = dataDir({ 'ports.json': '{"api":4100}', 'admin-token': 'hrm_admin_0123456789abcdef' });
    const env = { HRM_DATA_DIR: dir, HRM_ADMIN_TOKEN: 'from-the-environment-0123' };
    expect(statusTarget(statusEnv.parse({ ...env, HRM_API_URL: 'http://10.0.0.5:3000/' }))).toEqual({
      apiUrl: 'http://10.0.0.5:3000',
      token: 'from-the-environment-0123',
      tokenSource: 'HRM_ADMIN_TOKEN',
    });
    expect(statusTarget(statusEnv.parse({ ...env, API_PORT: '4200' })).apiUrl).toBe('http://127.0.0.1:4200');
  });

  it('falls back to port 3000, and has no token without one kept', () => {
    const dir = dataDir({ 'ports.json': 'not json' });
    expect(statusTarget(statusEnv.parse({ HRM_DATA_DIR: dir }))).toMatchObject({
      apiUrl: 'http://127.0.0.1:3000',
      token: null,
    });
  });
});
