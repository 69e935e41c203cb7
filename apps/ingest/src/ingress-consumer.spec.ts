import { describe, expect, it } from '@jest/globals';
import { JetStreamError } from '@nats-io/jetstream';
import { missedHeartbeats } from './ingress-consumer.js';

describe('missedHeartbeats', () => {
  it('tells a pull that missed its heartbeats (pulled again at once) from NATS being away (a pause first)', () => {
    expect(missedHeartbeats(new JetStreamError('heartbeats missed'))).toBe(true);
    expect(missedHeartbeats(new Error('CONNECTION_REFUSED'))).toBe(false);
    expect(missedHeartbeats('heartbeats missed')).toBe(false);
  });
});
