import { describe, expect, it } from '@jest/globals';
import { maxHrRaised, type HeartRateEvent, type RecordedSample } from '#contracts';
import { heartRateBatch } from './heart-rate-events.js';
import {
  classMaxHr,
  foldMaxHr,
  hasFoldable,
  receiveHeartRate,
  type ClassMaxHr,
  type JoinedMaxHr,
} from './max-hr-fold.js';

const T0 = Date.UTC(2026, 10, 26, 10, 0);
const RECORDED_AT = T0 + 3_600_000;
const SESSION = 's-monday';

// Ana: max 180, percent-max zones; Ben: max 170, zones in proportion (no rule copied).
const JOINED: Record<string, JoinedMaxHr> = {
  'p-ana': {
    maxHr: 180,
    zoneThresholds: [90, 108, 126, 144, 162],
    zoneRule: { basis: 'max', percentages: [50, 60, 70, 80, 90] },
    restingHr: 60,
  },
  'p-ben': { maxHr: 170, zoneThresholds: [85, 102, 119, 136, 153], restingHr: null },
};
const joinedOf = (participantId: string) => JOINED[participantId] ?? null;

/** A gateway message's heart-rate event, as ingest stores it: [participant, second, bpm] per sample. */
function message(ingressSeq: number, samples: Array<[participantId: string, second: number, bpm: number]>) {
  const recorded: RecordedSample[] = samples.map(([participantId, second, bpm]) => ({
    participantId,
    deviceId: `strap-${participantId}`,
    ts: T0 + second * 1000,
    bpm,
    zone: 0,
    pctMax: 0,
  }));
  const origin = { studioId: 'downtown', gatewayId: 'gw-1', seq: ingressSeq, streamSeq: ingressSeq };
  return heartRateBatch(SESSION, recorded, origin, RECORDED_AT);
}

/** One message a second from ingress sequence 1: Ana's bpm at each second. */
const anaAt = (bpms: number[], fromSecond = 0) =>
  bpms.map((bpm, index) => message(index + 1, [['p-ana', fromSecond + index, bpm]]));

/** Reads the events in the given order, then folds through `ackFloor`. */
function given(events: HeartRateEvent[], ackFloor: number, state: ClassMaxHr = classMaxHr(SESSION)) {
  const received = events.reduce(receiveHeartRate, state);
  return foldMaxHr(received, ackFloor, joinedOf, RECORDED_AT);
}

const summary = (raises: ReturnType<typeof given>['raises']) =>
  raises.map(({ data }) => [data.participantId, (data.at - T0) / 1000, data.previousMaxHr, data.maxHr]);

// Ana 170 for 10 s, then above 180 from second 10: 195 except 187 at 25. At second 40 the
// run is 30 s long, its lowest reading 187: max 180 + 7.
const RUN = anaAt(
  [...Array<number>(10).fill(170), ...Array<number>(31).fill(195)].map((bpm, second) =>
    second === 25 ? 187 : bpm,
  ),
);

describe('adaptive max HR folded from the log', () => {
  it('raises max at the sample that completes 30 s above it, with the event the class log takes', () => {
    const { raises } = given(RUN, RUN.length);
    expect(raises).toHaveLength(1);
    expect(maxHrRaised.parse(raises[0])).toEqual({
      id: `${SESSION}:p-ana:max-hr-from:180`,
      type: 'session.max-hr-raised',
      occurredAt: T0 + 40_000,
      recordedAt: RECORDED_AT,
      correlationId: 'gw-1:41',
      causationId: 'HRM_INGRESS:41',
      data: {
        sessionId: SESSION,
        participantId: 'p-ana',
        previousMaxHr: 180,
        maxHr: 187,
        zoneThresholds: [94, 112, 131, 150, 168],
        at: T0 + 40_000,
      },
    });
  });

  it('gives the same raises whatever order two ingest instances appended neighbouring messages in', () => {
    // The message with the run's lowest reading stored after the next one, and the first of the
    // run after the last before it: in log order those would be older than the sample before them.
    const order = RUN.map((_, index) => index);
    order.splice(9, 2, 10, 9);
    order.splice(25, 2, 26, 25);
    const swapped = order.flatMap((index) => RUN[index] ?? []);
    expect(summary(given(swapped, RUN.length).raises)).toEqual([['p-ana', 40, 180, 187]]);
  });

  it('waits for every message up to the ack floor: a stored message after the floor is not folded yet', () => {
    // Messages 1..41 read except 26 (the 187), which the other instance has not stored yet.
    const withoutLowest = RUN.filter((_, index) => index !== 25);
    const early = given(withoutLowest, 25);
    expect(early.raises).toEqual([]);
    expect(hasFoldable(early.state, 25)).toBe(false);
    expect(hasFoldable(early.state, 27)).toBe(true);
    // It comes; the floor moves past everything: the raise is the one from every sample.
    const late = given(RUN.slice(25, 26), RUN.length, early.state);
    expect(summary(late.raises)).toEqual([['p-ana', 40, 180, 187]]);
  });

  it('folds a class re-read from its start, in any number of steps, into the same raises', () => {
    const oneGo = given(RUN, RUN.length).raises;
    let state = classMaxHr(SESSION);
    const inSteps: typeof oneGo = [];
    for (const [index, event] of RUN.entries()) {
      const step = given([event], index + 1, state);
      state = step.state;
      inSteps.push(...step.raises);
    }
    expect(inSteps).toEqual(oneGo);
  });

  it('takes a copy of a folded message (appended again after the dedupe window) as nothing new', () => {
    const { state } = given(RUN, RUN.length);
    const again = given(RUN, RUN.length, state);
    expect(again.raises).toEqual([]);
    expect(again.state.pending).toEqual([]);
  });

  it('keeps raising from the raised max, and moves zones by the rule copied at join or in proportion', () => {
    // Ben (max 170) at 200 for 70 s: +10 at 30 s (180), a new run against 180: +10 at 60 s (190).
    // Ana in the same messages, at 170: never above 180.
    const events = Array.from({ length: 71 }, (_, second) =>
      message(second + 1, [
        ['p-ben', second, 200],
        ['p-ana', second, 170],
      ]),
    );
    const { raises } = given(events, events.length);
    expect(summary(raises)).toEqual([
      ['p-ben', 30, 170, 180],
      ['p-ben', 60, 180, 190],
    ]);
    expect(raises.map((raise) => raise.data.zoneThresholds)).toEqual([
      [90, 108, 126, 144, 162],
      [95, 114, 133, 152, 171],
    ]);
  });

  it('takes no sample dated further ahead of its recording than a gateway may be: one such sample holds no run hostage', () => {
    // Written before ingest bounded timestamps: two hours after T0, an hour after it was recorded.
    const ahead = message(15, [
      ['p-ana', 14, 195],
      ['p-ana', 7200, 150],
    ]);
    const withAhead = RUN.map((event, index) => (index === 14 ? ahead : event));
    expect(summary(given(withAhead, RUN.length).raises)).toEqual(summary(given(RUN, RUN.length).raises));
    expect(summary(given(withAhead, RUN.length).raises)).toEqual([['p-ana', 40, 180, 187]]);
  });

  it('leaves out the samples of someone who is not on the roster it knows', () => {
    const stranger = anaAt(Array<number>(41).fill(200)).map((event) => ({
      ...event,
      data: {
        ...event.data,
        samples: event.data.samples.map((sample) => ({ ...sample, participantId: 'p-x' })),
      },
    }));
    const { raises, state } = given(stranger, stranger.length);
    expect(raises).toEqual([]);
    expect(state.pending).toEqual([]);
  });
});
