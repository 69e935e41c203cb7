import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../../api.js';
import { isStaleRefusal } from './attempts.js';
import { ackRefusal } from './live-commands.js';
import { tabForKey } from './tabs.js';

const tabs = ['timer', 'music', 'roster'] as const;

describe("the coach's control tabs", () => {
  it('move with Left and Right (wrapping at either end), Home and End, and ignore other keys', () => {
    expect(tabForKey(tabs, 'timer', 'ArrowRight')).toBe('music');
    expect(tabForKey(tabs, 'roster', 'ArrowRight')).toBe('timer');
    expect(tabForKey(tabs, 'timer', 'ArrowLeft')).toBe('roster');
    expect(tabForKey(tabs, 'music', 'ArrowLeft')).toBe('timer');
    expect(tabForKey(tabs, 'music', 'Home')).toBe('timer');
    expect(tabForKey(tabs, 'music', 'End')).toBe('roster');
    expect(tabForKey(tabs, 'music', 'ArrowDown')).toBeNull();
    expect(tabForKey(tabs, 'music', 'Enter')).toBeNull();
  });
});

describe("the coach's refusals", () => {
  it('read the class again after a refusal that says the page was stale, whichever way it came', () => {
    expect(isStaleRefusal(new ApiError(409, 'Conflict', 'session s_1 started at …'))).toBe(true);
    expect(
      isStaleRefusal(new ApiError(412, 'Precondition Failed', 'the class is at version 42, not 40')),
    ).toBe(true);
    // Over the socket: a rule's refusal and a lost race are the REST 409 and 412.
    expect(isStaleRefusal(ackRefusal('rule:timer-not-running', 'the timer is paused, not running'))).toBe(
      true,
    );
    expect(isStaleRefusal(ackRefusal('conflict', 'another command kept winning'))).toBe(true);
    // Not about the page's state: nothing to read again.
    expect(isStaleRefusal(ackRefusal('forbidden', 'a display token'))).toBe(false);
    expect(isStaleRefusal(ackRefusal('not-available', 'no owner answered'))).toBe(false);
    expect(isStaleRefusal(new ApiError(400, 'Bad Request', 'invalid body'))).toBe(false);
    expect(isStaleRefusal(new Error('network down'))).toBe(false);
  });
});
