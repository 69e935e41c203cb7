// Which studios poll fast, against real NATS: classes are written as the API
// writes them (the index of classes, then the class's own subject), some
// before the worker starts and some after.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ClassIndex, EventStore } from '#eventstore';
import { ClassWriter, eventually, testLogger, testNatsUrl } from '#testing';
import { StudioActivity } from './studio-activity.js';

const suffix = crypto.randomBytes(4).toString('hex');
const studio = (name: string) => `st_${name}_${suffix}`;

describe('studio activity', () => {
  let nats: NatsConnection;
  let store: EventStore;
  let index: ClassIndex;
  let activity: StudioActivity;
  const newClass = () => new ClassWriter(store, index, `s_${crypto.randomBytes(8).toString('hex')}`);
  const liveBefore = studio('live_before');
  const endedBefore = studio('ended_before');
  const scheduledBefore = studio('scheduled_before');
  let liveClass: ClassWriter;
  let scheduledClass: ClassWriter;

  beforeAll(async () => {
    nats = await connect({ servers: testNatsUrl() });
    store = await EventStore.open(nats);
    await store.ensureStreams();
    index = await ClassIndex.open(store);
    liveClass = newClass();
    await liveClass.schedule(liveBefore);
    await liveClass.start();
    const ended = newClass();
    await ended.schedule(endedBefore);
    await ended.start();
    await ended.end();
    scheduledClass = newClass();
    await scheduledClass.schedule(scheduledBefore);
    activity = new StudioActivity(store, testLogger('spotify-worker', 'error').logger);
    await activity.start(nats);
  });

  afterAll(async () => {
    await activity?.stop();
    await nats?.drain();
  });

  it('at start, a studio is busy while a class that was live before is still live, not for one that ended', () => {
    expect(activity.isBusy(liveBefore)).toBe(true);
    expect(activity.isBusy(endedBefore)).toBe(false);
    expect(activity.isBusy(scheduledBefore)).toBe(false);
  });

  it('a start makes the studio busy, an end idle, and an ended class is no longer held', async () => {
    const held = activity.classesHeld;
    await scheduledClass.start();
    await eventually(() => (activity.isBusy(scheduledBefore) ? true : undefined), 'the studio busy');

    await liveClass.end();
    await eventually(() => (activity.isBusy(liveBefore) ? undefined : true), 'the studio idle');
    expect(activity.classesHeld).toBe(held - 1);

    await scheduledClass.end();
    await eventually(() => (activity.isBusy(scheduledBefore) ? undefined : true), 'the studio idle');
    expect(activity.classesHeld).toBe(held - 2);
  });

  it('a class scheduled and run after the start is held while open, and let go of at its end', async () => {
    const held = activity.classesHeld;
    const later = newClass();
    const studioId = studio('after_start');
    await later.schedule(studioId);
    await eventually(() => (activity.classesHeld === held + 1 ? true : undefined), 'the class held');
    await later.start();
    await eventually(() => (activity.isBusy(studioId) ? true : undefined), 'the studio busy');
    await later.end();
    await eventually(() => (activity.isBusy(studioId) ? undefined : true), 'the studio idle');
    expect(activity.classesHeld).toBe(held);
  });
});
