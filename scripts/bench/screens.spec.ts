import { describe, expect, it } from '@jest/globals';
import { DelayRecorder } from './screens.js';

describe('what the screens saw', () => {
  it('counts a value once per screen, and nothing outside the measuring window', () => {
    const recorder = new DelayRecorder();
    recorder.value(0, 'a', 1000, 1100);
    recorder.measuring = true;
    recorder.value(0, 'a', 1000, 1200);
    recorder.value(0, 'a', 1000, 2200); // repeated in a full frame: not a new delivery
    recorder.value(1, 'a', 1000, 1300); // another screen
    recorder.value(0, 'a', 2000, 2150);
    expect(recorder.valueDelays).toEqual([200, 300, 150]);
  });

  it('gives delays from the frame time, frames and bytes per screen and second', () => {
    const recorder = new DelayRecorder();
    recorder.measuring = true;
    recorder.frame(1000, 1040);
    recorder.frame(2000, 2060);
    recorder.frame(null, 3000);
    recorder.received(4000);
    recorder.measuring = false;
    recorder.received(999);
    expect(recorder.summary(2, 2)).toEqual({
      valueDelayMs: { p50: NaN, p95: NaN, p99: NaN, max: NaN, samples: 0 },
      frameDelayMs: { p50: 40, p95: 60, p99: 60, max: 60, samples: 2 },
      framesPerScreenPerS: 0.75,
      bytesPerScreenPerS: 1000,
    });
  });
});
