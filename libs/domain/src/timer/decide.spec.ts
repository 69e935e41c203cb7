import { describe, it } from '@jest/globals';
import {
  given,
  givenEnded,
  givenScheduled,
  paused,
  program,
  programSet,
  reset,
  resumed,
  sessionId,
  skipped,
  started,
  tabata,
  at,
} from './test/fixtures.js';

const amrap = program({ preset: 'amrap', minutes: 12 });

describe('setProgram', () => {
  it('sets a program on a class without one', () => {
    given().when({ type: 'setProgram', program: tabata }).then(programSet(tabata, 0));
  });

  it('replaces the program while idle', () => {
    given(programSet(tabata)).when({ type: 'setProgram', program: amrap }).then(programSet(amrap, 0));
  });

  it('replaces the program once it is over', () => {
    given(programSet(amrap), started(0))
      .when({ type: 'setProgram', program: tabata }, 13 * 60)
      .then(programSet(tabata, 13 * 60));
  });

  it('refuses a change while running', () => {
    given(programSet(tabata), started(0))
      .when({ type: 'setProgram', program: amrap }, 5)
      .thenRefused('timer-running');
  });

  it('refuses a change while paused', () => {
    given(programSet(tabata), started(0), paused(5))
      .when({ type: 'setProgram', program: amrap }, 9)
      .thenRefused('timer-running');
  });

  it('refuses anything once the class has ended', () => {
    givenEnded().when({ type: 'setProgram', program: tabata }).thenRefused('ended');
  });
});

describe('start', () => {
  it('starts an idle timer now', () => {
    given(programSet(tabata)).when({ type: 'start' }, 3).then(started(3));
  });

  it('starts before the class does (a warm-up before the bell)', () => {
    givenScheduled(programSet(tabata)).when({ type: 'start' }, 3).then(started(3));
  });

  it('refuses without a program', () => {
    given().when({ type: 'start' }).thenRefused('no-program');
  });

  it('refuses a running or paused timer', () => {
    given(programSet(tabata), started(0)).when({ type: 'start' }, 1).thenRefused('already-started');
    given(programSet(tabata), started(0), paused(1))
      .when({ type: 'start' }, 2)
      .thenRefused('already-started');
  });

  it('refuses a finished program until it is reset', () => {
    given(programSet(amrap), started(0))
      .when({ type: 'start' }, 12 * 60 + 10)
      .thenRefused('finished');
  });
});

describe('pause and resume', () => {
  it('pauses a running timer and resumes it', () => {
    given(programSet(tabata), started(0)).when({ type: 'pause' }, 7).then(paused(7));
    given(programSet(tabata), started(0), paused(7)).when({ type: 'resume' }, 20).then(resumed(20));
  });

  it('refuses to pause a timer that is not running', () => {
    given(programSet(tabata)).when({ type: 'pause' }).thenRefused('not-running');
    given(programSet(tabata), started(0), paused(7)).when({ type: 'pause' }, 8).thenRefused('not-running');
  });

  it('refuses to resume a timer that is not paused', () => {
    given(programSet(tabata), started(0)).when({ type: 'resume' }, 3).thenRefused('not-paused');
    given(programSet(tabata)).when({ type: 'resume' }).thenRefused('not-paused');
  });

  it('refuses to pause a program that ran out', () => {
    given(programSet(amrap), started(0))
      .when({ type: 'pause' }, 12 * 60 + 10)
      .thenRefused('finished');
  });
});

describe('skip', () => {
  it('skips from prepare to the first work segment', () => {
    given(programSet(tabata), started(0)).when({ type: 'skip' }, 4).then(skipped(4, 1));
  });

  it('skips while paused', () => {
    given(programSet(tabata), started(0), paused(12)).when({ type: 'skip' }, 30).then(skipped(30, 2));
  });

  it('skips past the last segment to the end', () => {
    given(programSet(amrap), started(0), skipped(1, 1)).when({ type: 'skip' }, 2).then(skipped(2, 2));
  });

  it('refuses an idle or finished timer', () => {
    given(programSet(tabata)).when({ type: 'skip' }).thenRefused('not-started');
    given(programSet(amrap), started(0), skipped(1, 1), skipped(2, 2))
      .when({ type: 'skip' }, 3)
      .thenRefused('finished');
  });
});

describe('reset', () => {
  it('resets a running, paused or finished timer', () => {
    given(programSet(tabata), started(0)).when({ type: 'reset' }, 9).then(reset(9));
    given(programSet(tabata), started(0), paused(3)).when({ type: 'reset' }, 9).then(reset(9));
    given(programSet(amrap), started(0)).when({ type: 'reset' }, 3600).then(reset(3600));
  });

  it('refuses an idle timer or none at all', () => {
    given(programSet(tabata)).when({ type: 'reset' }).thenRefused('not-started');
    given().when({ type: 'reset' }).thenRefused('no-program');
  });

  it('stamps every event with the server time of the command', () => {
    given(programSet(tabata), started(0))
      .when({ type: 'pause' }, 1.234)
      .then({
        type: 'timer.paused',
        data: { sessionId, at: at(1.234) },
      });
  });
});
