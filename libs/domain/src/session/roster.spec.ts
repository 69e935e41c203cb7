import { describe, it } from '@jest/globals';
import { add, ana, bo, ended, given, joined, left, remove, scheduled, started } from './test/fixtures.js';

describe('addParticipant', () => {
  it('adds an athlete to a scheduled class', () => {
    given(scheduled).when(add(ana)).then(joined(ana));
  });

  it('adds an athlete to a live class', () => {
    given(scheduled, started).when(add(ana)).then(joined(ana));
  });

  it('refuses before the class is scheduled', () => {
    given().when(add(ana)).thenRefused('not-scheduled');
  });

  it('refuses after the class ended', () => {
    given(scheduled, started, ended).when(add(ana)).thenRefused('ended');
  });

  it('refuses a member who is already in the class', () => {
    given(scheduled, joined(ana))
      .when(add({ ...ana, participantId: 'p-ana-again', deviceId: null }))
      .thenRefused('duplicate-participant');
  });

  it('refuses a participant id already used, even by someone who left', () => {
    given(scheduled, joined(ana), left(ana.participantId))
      .when(add({ ...bo, participantId: ana.participantId }))
      .thenRefused('duplicate-participant');
  });

  it('lets a member who left join again', () => {
    const anaAgain = { ...ana, participantId: 'p-ana-2' };
    given(scheduled, joined(ana), left(ana.participantId)).when(add(anaAgain)).then(joined(anaAgain));
  });

  it('refuses a device already worn by another athlete in the class', () => {
    given(scheduled, joined(ana))
      .when(add({ ...bo, deviceId: ana.deviceId }))
      .thenRefused('device-in-use');
  });

  it('hands on the device of an athlete who left', () => {
    const boOnStrap1 = { ...bo, deviceId: ana.deviceId };
    given(scheduled, joined(ana), left(ana.participantId)).when(add(boOnStrap1)).then(joined(boOnStrap1));
  });

  it('lets several athletes join without a device', () => {
    const boWithout = { ...bo, deviceId: null };
    given(scheduled, joined({ ...ana, deviceId: null }))
      .when(add(boWithout))
      .then(joined(boWithout));
  });
});

describe('removeParticipant', () => {
  it('removes an athlete from a scheduled class', () => {
    given(scheduled, joined(ana)).when(remove(ana.participantId)).then(left(ana.participantId));
  });

  it('removes an athlete from a live class', () => {
    given(scheduled, joined(ana), started).when(remove(ana.participantId)).then(left(ana.participantId));
  });

  it('refuses someone who never joined', () => {
    given(scheduled, joined(ana)).when(remove(bo.participantId)).thenRefused('unknown-participant');
  });

  it('refuses someone who already left', () => {
    given(scheduled, joined(ana), left(ana.participantId))
      .when(remove(ana.participantId))
      .thenRefused('unknown-participant');
  });

  it('refuses before the class is scheduled', () => {
    given().when(remove(ana.participantId)).thenRefused('not-scheduled');
  });

  it('refuses after the class ended', () => {
    given(scheduled, joined(ana), started, ended).when(remove(ana.participantId)).thenRefused('ended');
  });
});
