import { describe, expect, it } from '@jest/globals';
import type { SessionListItem } from '#contracts';
import { agoText, nextOf, untilText } from './studio.js';

const scheduled = (id: string, startsAt: number | null): SessionListItem => ({
  id,
  studioId: 'st_1',
  title: id,
  status: 'scheduled',
  startsAt,
  startedAt: null,
  endedAt: null,
  version: 1,
  participantCount: 0,
});

describe('the studio screen between classes', () => {
  it('announces the class that starts first, whatever order they were created in', () => {
    const list = [scheduled('s_late', 3_000), scheduled('s_early', 2_000), scheduled('s_untimed', null)];
    expect(nextOf(list)?.id).toBe('s_early');
    expect(nextOf([scheduled('s_untimed', null)])?.id).toBe('s_untimed');
    expect(nextOf([])).toBeNull();
  });

  it('says how long until the class, and how long ago a strap was heard', () => {
    const now = 10_000_000;
    expect(untilText(now + 25 * 60_000, now)).toBe('in 25 min');
    expect(untilText(now + 125 * 60_000, now)).toBe('in 2 h 5 min');
    expect(untilText(now + 10_000, now)).toBe('starting now');
    expect(untilText(now - 5 * 60_000, now)).toBe('5 min late');
    expect(agoText(now - 2_000, now)).toBe('just now');
    expect(agoText(now - 12_000, now)).toBe('12 s ago');
    expect(agoText(now - 3 * 60_000, now)).toBe('3 min ago');
  });
});
