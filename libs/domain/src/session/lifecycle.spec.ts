import { describe, it } from '@jest/globals';
import { ended, given, NOW, scheduleCommand, scheduled, sessionId, started } from './test/fixtures.js';

describe('schedule', () => {
  it('schedules a new class', () => {
    given().when(scheduleCommand).then(scheduled);
  });

  it('schedules a class with no start time', () => {
    const unplanned = { ...scheduleCommand.data, startsAt: null };
    given().when({ type: 'schedule', data: unplanned }).then({ type: 'session.scheduled', data: unplanned });
  });

  it('refuses a session id that already exists', () => {
    given(scheduled).when(scheduleCommand).thenRefused('already-exists');
  });
});

describe('start', () => {
  it('starts a scheduled class at the given time', () => {
    given(scheduled)
      .when({ type: 'start', data: { at: NOW + 5_000 } })
      .then({ type: 'session.started', data: { sessionId, startedAt: NOW + 5_000 } });
  });

  it('starts it now when no time is given', () => {
    given(scheduled).when({ type: 'start', data: {} }, NOW).then(started);
  });

  it('refuses a class that was never scheduled', () => {
    given().when({ type: 'start', data: {} }).thenRefused('not-scheduled');
  });

  it('refuses a class that is already live', () => {
    given(scheduled, started).when({ type: 'start', data: {} }).thenRefused('already-started');
  });

  it('refuses a class that ended', () => {
    given(scheduled, started, ended).when({ type: 'start', data: {} }).thenRefused('ended');
  });
});

describe('end', () => {
  it('ends a live class at the given time', () => {
    given(scheduled, started)
      .when({ type: 'end', data: { at: NOW + 3_600_000 } })
      .then(ended);
  });

  it('ends it now when no time is given', () => {
    given(scheduled, started)
      .when({ type: 'end', data: {} }, NOW + 60_000)
      .then({ type: 'session.ended', data: { sessionId, endedAt: NOW + 60_000 } });
  });

  it('never ends a class before it started (clock skew between instances)', () => {
    given(scheduled, started)
      .when({ type: 'end', data: { at: NOW - 20 } })
      .then({ type: 'session.ended', data: { sessionId, endedAt: NOW } });
  });

  it('refuses a class that has not started', () => {
    given(scheduled).when({ type: 'end', data: {} }).thenRefused('not-live');
  });

  it('refuses a class that was never scheduled', () => {
    given().when({ type: 'end', data: {} }).thenRefused('not-scheduled');
  });

  it('refuses a class that already ended', () => {
    given(scheduled, started, ended).when({ type: 'end', data: {} }).thenRefused('ended');
  });
});
