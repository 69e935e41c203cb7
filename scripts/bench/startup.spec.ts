import { describe, expect, it } from '@jest/globals';
import { classIndexBucket, domainEvent, eventSubjects, isSessionEvent, type SessionEvent } from '#contracts';
import { foldSession, participantWindow } from '#domain';
import { parseBenchArgs } from './cli.js';
import { serviceFigures, sidesOf, snapshotFigures } from './startup-figures.js';
import { DAY_MS, HEART_RATE_KEPT_MS, YEAR_MS, yearOfClasses, type LoggedEvent } from './startup-log.js';
import { spreadPick } from './startup-snapshot.js';
import type { MeasuredStart } from './startup-starts.js';

const now = Date.UTC(2026, 11, 5, 12);
const year = (endedClasses: number) => [...yearOfClasses({ endedClasses, now, seed: 7, hrEveryS: 10 })];

describe('bench startup: command line', () => {
  it('takes 50 000 ended classes and 5 starts of each service by default', () => {
    expect(parseBenchArgs(['startup'])).toMatchObject({
      ok: true,
      value: {
        scenario: 'startup',
        options: { endedClasses: 50_000, repeat: 5, snapshots: 10, fast: false },
      },
    });
    expect(parseBenchArgs(['startup', '--ended-classes', '1200', '--repeat', '7'])).toMatchObject({
      ok: true,
      value: { options: { endedClasses: 1200, repeat: 7 } },
    });
  });

  it('makes --fast a small run, whose sizes a flag still overrides', () => {
    expect(parseBenchArgs(['startup', '--fast'])).toMatchObject({
      ok: true,
      value: { options: { endedClasses: 2000, repeat: 2, snapshots: 3, fast: true } },
    });
    expect(parseBenchArgs(['startup', '--fast', '--repeat', '3'])).toMatchObject({
      ok: true,
      value: { options: { endedClasses: 2000, repeat: 3 } },
    });
  });

  it('refuses what it cannot run', () => {
    expect(parseBenchArgs(['startup', '--ended-classes', '0'])).toMatchObject({ ok: false });
    expect(parseBenchArgs(['startup', '--fast', 'yes'])).toMatchObject({ ok: false });
    expect(parseBenchArgs(['startup', '--screens', '10'])).toMatchObject({ ok: false });
  });
});

describe('bench startup: the year written to the log', () => {
  const batches = year(400);
  const events: LoggedEvent[] = batches.flatMap((batch) => batch.events);
  const classes = batches.flatMap((batch) => batch.classes);

  it('holds only events the contracts accept', () => {
    for (const { event } of events) expect(domainEvent.safeParse(event).success).toBe(true);
  });

  it('spreads the classes over the past year, each ended before now', () => {
    expect(classes).toHaveLength(400);
    expect(new Set(classes.map((planned) => planned.sessionId)).size).toBe(400);
    for (const { startedAt, endedAt } of classes) {
      expect(startedAt).toBeGreaterThan(now - YEAR_MS - DAY_MS);
      expect(endedAt).toBeLessThan(now);
      expect(endedAt - startedAt).toBeGreaterThanOrEqual(30 * 60_000);
    }
    const ended = (from: number, to: number) =>
      classes.filter(({ endedAt }) => endedAt > now - to && endedAt <= now - from).length;
    expect(ended(0, 182 * DAY_MS)).toBeGreaterThan(150);
    expect(ended(182 * DAY_MS, YEAR_MS)).toBeGreaterThan(150);
  });

  it('gives each class about 20 events: scheduled, 8 to 12 joins, a few leaves, start and end, sometimes more', () => {
    const perClass = (sessionId: string) =>
      events.filter(({ subject }) => subject.startsWith(eventSubjects.session(sessionId))).length;
    const counts = classes.map(({ sessionId }) => perClass(sessionId));
    const mean = counts.reduce((sum, count) => sum + count, 0) / counts.length;
    expect(mean).toBeGreaterThan(16);
    expect(mean).toBeLessThan(22);
    for (const planned of classes) {
      const types = planned.sessionEvents.map((event) => event.type);
      const joins = types.filter((type) => type === 'session.participant-joined').length;
      expect(joins).toBeGreaterThanOrEqual(8);
      expect(joins).toBeLessThanOrEqual(12);
      expect(types[0]).toBe('session.scheduled');
      expect(types.at(-1)).toBe('session.ended');
    }
    expect(events.some(({ event }) => event.type === 'session.max-hr-raised')).toBe(true);
    expect(events.some(({ event }) => event.type === 'timer.program-set')).toBe(true);
  });

  it('folds every class, in log order, to an ended class with its roster and its raise applied', () => {
    for (const planned of classes) {
      const logged = events
        .filter(({ subject }) => subject === eventSubjects.session(planned.sessionId))
        .map(({ event }) => event)
        .filter(isSessionEvent);
      const state = foldSession(logged);
      expect(state).toMatchObject({
        status: 'ended',
        endedAt: planned.endedAt,
        startedAt: planned.startedAt,
      });
      if (state.status !== 'ended') continue;
      const raise = logged.find(
        (event): event is Extract<SessionEvent, { type: 'session.max-hr-raised' }> =>
          event.type === 'session.max-hr-raised',
      );
      if (raise !== undefined)
        expect(state.participants.get(raise.data.participantId)?.maxHr).toBe(raise.data.maxHr);
    }
  });

  it('writes heart rate for the classes of the last week only, each sample within its athlete’s time in class', () => {
    const withHeartRate = new Set(
      events
        .filter(({ event }) => event.type === 'heart-rate.batch-recorded')
        .map(({ subject }) => subject.split('.')[1]),
    );
    const lastWeek = classes.filter(({ endedAt }) => endedAt > now - HEART_RATE_KEPT_MS);
    expect(lastWeek.length).toBeGreaterThan(0);
    expect([...withHeartRate].sort()).toEqual(lastWeek.map(({ sessionId }) => sessionId).sort());
    const states = new Map(
      lastWeek.map((planned) => [planned.sessionId, foldSession(planned.sessionEvents)]),
    );
    for (const { event } of events) {
      if (event.type !== 'heart-rate.batch-recorded') continue;
      const state = states.get(event.data.sessionId);
      if (state?.status !== 'ended') throw new Error('a heart-rate event of no ended class');
      for (const sample of event.data.samples) {
        const athlete = state.participants.get(sample.participantId);
        if (athlete === undefined) throw new Error('a sample of nobody in the class');
        expect(athlete.deviceId).toBe(sample.deviceId);
        const { from, until } = participantWindow(state, athlete);
        expect(sample.ts).toBeGreaterThanOrEqual(from ?? Infinity);
        expect(sample.ts).toBeLessThan(until ?? -Infinity);
      }
    }
  });

  it('is the same year for the same seed', () => {
    expect(year(40)).toEqual(year(40));
  });

  it('leaves within the class index horizon only the classes of the last day', () => {
    const recent = classes.filter(({ endedAt }) => now - endedAt < classIndexBucket.endedHorizonMs);
    expect(recent.length).toBeLessThan(10);
  });
});

describe('bench startup: figures', () => {
  const start = (
    side: 'empty' | 'year',
    readyMs: number,
    rssMb: number,
    settledRssMb = rssMb,
  ): MeasuredStart => ({
    side,
    readyMs,
    rssMb,
    peakMb: rssMb,
    settledRssMb,
  });

  it('compares medians of the year’s log with the empty log against the targets', () => {
    const figures = serviceFigures('ingest', [
      ...[1000, 1100, 900].map((ms) => start('empty', ms, 100)),
      ...[1150, 1200, 5000].map((ms) => start('year', ms, 105)),
    ]);
    expect(figures.ratios).toEqual({ ready: 1.2, rss: 1.05, settledRss: 1.05 });
    expect(figures.met).toEqual({ ready: true, rss: true, within: false });
  });

  it('counts memory taken on after ready against the RSS target', () => {
    const figures = serviceFigures('spotify-worker', [
      start('empty', 800, 100),
      start('year', 800, 100, 300),
    ]);
    expect(figures.met.rss).toBe(false);
  });

  it('alternates which log a repetition starts first', () => {
    expect([0, 1, 2].map(sidesOf)).toEqual([
      ['empty', 'year'],
      ['year', 'empty'],
      ['empty', 'year'],
    ]);
  });

  it('takes the median snapshot and classes spread over those that ended last month', () => {
    expect(snapshotFigures([120, 80, 900])).toMatchObject({ medianMs: 120, maxMs: 900, met: true });
    expect(spreadPick([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toEqual([2, 6, 9]);
    expect(spreadPick([1, 2], 3)).toEqual([1, 2]);
  });
});
