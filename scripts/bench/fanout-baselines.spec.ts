import { describe, expect, it } from '@jest/globals';
import { bareFrame, naiveAthlete } from './baseline-screens-server.js';
import { compareWithBaselines, meanFrameBytes } from './fanout-baselines.js';
import type { ScreenFigures } from './screens.js';

const saw = (p50: number, p99: number, frames: number, bytes: number): ScreenFigures => ({
  valueDelayMs: { p50, p95: p99, p99, max: p99, samples: 10 },
  frameDelayMs: { p50, p95: p99, p99, max: p99, samples: 10 },
  framesPerScreenPerS: frames,
  bytesPerScreenPerS: bytes,
});

describe('the fan-out baselines', () => {
  it('build a bare frame of the asked size that carries its send time', () => {
    const frame = bareFrame(1_732_000_000_123, 600);
    expect(frame).toHaveLength(600);
    expect(Number(frame.slice(0, frame.indexOf('|')))).toBe(1_732_000_000_123);
  });

  it("give the naive design an athlete's static data: ids, name, strap, max HR and five zones", () => {
    const athlete = naiveAthlete(2, 7);
    expect(athlete.participantId).toMatch(/^[0-9a-f]{8}-0000-4000-8000-[0-9a-f]{12}$/);
    expect(athlete.participantId).not.toBe(naiveAthlete(2, 8).participantId);
    expect(athlete.zoneThresholds).toHaveLength(5);
    expect(athlete.deviceId).toBe('bench-gw-3:strap-8');
  });

  it('put our figures over each baseline', () => {
    const ours = { screensSaw: saw(40, 200, 1, 900), cpuMsPerScreen: 6 };
    const bare = { screensSaw: saw(10, 50, 1, 880), cpuMsPerScreen: 2 };
    const naive = { screensSaw: saw(5, 20, 5, 3000), cpuMsPerScreen: 12 };
    expect(compareWithBaselines(ours, bare, naive)).toEqual({
      frameDelayP50VsBare: 4,
      frameDelayP99VsBare: 4,
      framesVsBare: 1,
      cpuVsBare: 3,
      bytesVsNaive: 0.3,
      cpuVsNaive: 0.5,
    });
    expect(meanFrameBytes(saw(0, 0, 0.9, 900))).toBe(1000);
    expect(meanFrameBytes(saw(0, 0, 0, 10))).toBe(0);
  });
});
