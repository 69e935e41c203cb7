import { describe, it } from '@jest/globals';
import type { SessionCommand } from './decide.js';
import type { SessionEventBody } from './events.js';
import { ana, ended, given, joined, NOW, scheduled, sessionId, started } from './test/fixtures.js';

const raise = (previousMaxHr: number, maxHr: number, participantId = ana.participantId) => ({
  participantId,
  previousMaxHr,
  maxHr,
  zoneThresholds: [95, 114, 133, 152, 171],
  at: NOW + 600_000,
});
const raiseMaxHr = (previousMaxHr: number, maxHr: number, participantId?: string): SessionCommand => ({
  type: 'raiseMaxHr',
  data: raise(previousMaxHr, maxHr, participantId),
});
const raised = (previousMaxHr: number, maxHr: number): SessionEventBody => ({
  type: 'session.max-hr-raised',
  data: { ...raise(previousMaxHr, maxHr), sessionId },
});

describe('raiseMaxHr', () => {
  it("raises a participant's max from the max they hold", () => {
    given(scheduled, joined(ana), started).when(raiseMaxHr(180, 190)).then(raised(180, 190));
  });

  it('raises it after the class ended (samples a gateway buffered)', () => {
    given(scheduled, joined(ana), started, ended).when(raiseMaxHr(180, 190)).then(raised(180, 190));
  });

  it('raises it again from the max an earlier raise set', () => {
    given(scheduled, joined(ana), started, raised(180, 185))
      .when(raiseMaxHr(185, 190))
      .then(raised(185, 190));
  });

  it('decides nothing for a raise already in the log (another ingest instance appended it)', () => {
    given(scheduled, joined(ana), started, raised(180, 190)).when(raiseMaxHr(180, 190)).then();
  });

  it('decides nothing for a raise from a max the participant no longer holds', () => {
    given(scheduled, joined(ana), started, raised(180, 185)).when(raiseMaxHr(182, 190)).then();
  });

  it('decides nothing for a max that would not go up', () => {
    given(scheduled, joined(ana), started).when(raiseMaxHr(180, 180)).then();
  });

  it('decides nothing for a participant the class does not know', () => {
    given(scheduled, joined(ana), started)
      .when(raiseMaxHr(180, 190, 'p-nobody'))
      .then();
  });

  it('refuses a class that has not started', () => {
    given(scheduled, joined(ana)).when(raiseMaxHr(180, 190)).thenRefused('not-live');
  });

  it('refuses a class that was never scheduled', () => {
    given().when(raiseMaxHr(180, 190)).thenRefused('not-scheduled');
  });
});
