import { describe, expect, it } from '@jest/globals';
import { parseBenchArgs } from './cli.js';

describe('bench command line', () => {
  it('takes a scenario and its flags, with defaults', () => {
    expect(parseBenchArgs(['history', '--athletes', '12', '--runs', '5'])).toEqual({
      ok: true,
      value: {
        scenario: 'history',
        options: { athletes: 12, minutes: 60, runs: 5, warmup: 5, seed: 1, out: 'bench/results' },
      },
    });
  });

  it('takes the fanout scenario with its own flags', () => {
    expect(parseBenchArgs(['fanout', '--screens', '200', '--classes', '20'])).toEqual({
      ok: true,
      value: {
        scenario: 'fanout',
        options: {
          screens: 200,
          classes: 20,
          athletes: 5,
          seconds: 30,
          tick: 1000,
          encoding: 'objects',
          out: 'bench/results',
        },
      },
    });
    expect(parseBenchArgs(['fanout', '--runs', '3'])).toMatchObject({ ok: false });
    expect(parseBenchArgs(['fanout', '--encoding', 'compact'])).toMatchObject({
      ok: true,
      value: { options: { encoding: 'compact' } },
    });
    expect(parseBenchArgs(['fanout', '--encoding', 'binary'])).toMatchObject({ ok: false });
  });

  it('takes the latency scenario with the sizes of a studio chain by default', () => {
    expect(parseBenchArgs(['latency', '--classes', '10', '--screens', '300'])).toEqual({
      ok: true,
      value: {
        scenario: 'latency',
        options: {
          classes: 10,
          athletes: 30,
          screens: 300,
          seconds: 60,
          tick: 1000,
          encoding: 'objects',
          out: 'bench/results',
        },
      },
    });
    expect(parseBenchArgs(['latency', '--tick', '50'])).toEqual({
      ok: false,
      error: expect.stringMatching(/^--tick: /),
    });
    expect(parseBenchArgs(['latency', '--rate', '5'])).toMatchObject({ ok: false });
  });

  it('refuses an unknown scenario, an unknown flag and a bad number', () => {
    expect(parseBenchArgs(['stress'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('history, throughput, fanout, latency'),
    });
    expect(parseBenchArgs(['history', '--bogus', '1'])).toMatchObject({ ok: false });
    expect(parseBenchArgs(['history', '--runs', '0'])).toEqual({
      ok: false,
      error: expect.stringMatching(/^--runs: /),
    });
  });

  it('takes the throughput flags, dashed, as options with defaults', () => {
    expect(
      parseBenchArgs([
        'throughput',
        '--classes',
        '2',
        '--max-rate',
        '4000',
        '--hold',
        '5',
        '--tolerance',
        '5',
      ]),
    ).toEqual({
      ok: true,
      value: {
        scenario: 'throughput',
        options: {
          classes: 2,
          athletes: 30,
          startRate: 2000,
          step: 2000,
          maxRate: 4000,
          holdS: 5,
          batch: 30,
          sampleMs: 1000,
          tolerance: 0.05,
          profile: 'none',
          out: 'bench/results',
        },
      },
    });
  });

  it('refuses a throughput run that cannot be made', () => {
    expect(parseBenchArgs(['throughput', '--batch', '501'])).toEqual({
      ok: false,
      error: expect.stringMatching(/^--batch: /),
    });
    expect(parseBenchArgs(['throughput', '--start-rate', '5000', '--max-rate', '4000'])).toEqual({
      ok: false,
      error: '--start-rate: must not be above --max-rate',
    });
    expect(parseBenchArgs(['throughput', '--profile', 'realtime'])).toMatchObject({ ok: false });
    expect(parseBenchArgs(['throughput', '--hold'])).toMatchObject({ ok: false });
  });

  it('takes the memory scenario: screens in steps, each with a heap snapshot', () => {
    expect(parseBenchArgs(['memory', '--screens', '1000', '--step', '500'])).toEqual({
      ok: true,
      value: {
        scenario: 'memory',
        options: {
          screens: 1000,
          step: 500,
          classes: 200,
          athletes: 5,
          tick: 1000,
          settle: 10,
          encoding: 'objects',
          top: 40,
          out: 'bench/results',
        },
      },
    });
    expect(parseBenchArgs(['memory', '--seconds', '3'])).toMatchObject({ ok: false });
  });

  it('takes the NATS auth cost scenario: rounds of the same load on a server with and without auth', () => {
    expect(parseBenchArgs(['nats-auth', '--rounds', '3', '--messages', '5000'])).toEqual({
      ok: true,
      value: {
        scenario: 'nats-auth',
        options: {
          gateways: 50,
          batch: 30,
          messages: 5000,
          acks: 2000,
          connects: 20,
          rounds: 3,
          out: 'bench/results',
        },
      },
    });
    expect(parseBenchArgs(['nats-auth', '--messages', '10'])).toMatchObject({ ok: false });
    expect(parseBenchArgs(['nats-auth', '--auth', 'off'])).toMatchObject({ ok: false });
  });

  it('takes the class screen scenario: one class of 40 athletes on a screen in Chromium for a minute', () => {
    expect(parseBenchArgs(['screen'])).toEqual({
      ok: true,
      value: {
        scenario: 'screen',
        options: { athletes: 40, seconds: 60, warmup: 5, timer: false, out: 'bench/results' },
      },
    });
    expect(parseBenchArgs(['screen', '--timer'])).toMatchObject({
      ok: true,
      value: { options: { timer: true } },
    });
    expect(parseBenchArgs(['screen', '--athletes', '1', '--seconds', '10'])).toMatchObject({
      ok: true,
      value: { options: { athletes: 1, seconds: 10 } },
    });
    expect(parseBenchArgs(['screen', '--seconds', '2'])).toEqual({
      ok: false,
      error: expect.stringMatching(/^--seconds: /),
    });
    expect(parseBenchArgs(['screen', '--screens', '3'])).toMatchObject({ ok: false });
  });
});
