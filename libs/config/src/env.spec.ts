import { describe, expect, it } from '@jest/globals';
import { commonEnv, natsServers, stackEnv } from './env.js';

describe('NATS settings', () => {
  it('reads a cluster NATS_URL as its servers, so a client can reconnect to any of them', () => {
    expect(natsServers('nats://nats-1:4222, nats://nats-2:4222,nats://nats-3:4222,')).toEqual([
      'nats://nats-1:4222',
      'nats://nats-2:4222',
      'nats://nats-3:4222',
    ]);
    expect(natsServers('nats://127.0.0.1:4222')).toEqual(['nats://127.0.0.1:4222']);
  });

  it('takes 1 to 5 stream replicas, 1 by default', () => {
    expect(commonEnv.parse({}).HRM_STREAM_REPLICAS).toBe(1);
    expect(commonEnv.parse({ HRM_STREAM_REPLICAS: '3' }).HRM_STREAM_REPLICAS).toBe(3);
    expect(commonEnv.safeParse({ HRM_STREAM_REPLICAS: '0' }).success).toBe(false);
    expect(commonEnv.safeParse({ HRM_STREAM_REPLICAS: 'three' }).success).toBe(false);
  });

  it('runs a local cluster of 1, 3 or 5 nodes only, and a sync interval NATS understands', () => {
    expect(stackEnv.parse({}).HRM_NATS_CLUSTER).toBe(1);
    expect(stackEnv.parse({ HRM_NATS_CLUSTER: '3' }).HRM_NATS_CLUSTER).toBe(3);
    expect(stackEnv.safeParse({ HRM_NATS_CLUSTER: '2' }).success).toBe(false);
    for (const good of ['always', '500ms', '10s', '2m'])
      expect(stackEnv.parse({ HRM_NATS_SYNC_INTERVAL: good }).HRM_NATS_SYNC_INTERVAL).toBe(good);
    for (const bad of ['never', '10', '0s', '1d'])
      expect(stackEnv.safeParse({ HRM_NATS_SYNC_INTERVAL: bad }).success).toBe(false);
  });
});
