import { afterAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEMO_ATHLETES,
  demoFile,
  demoState,
  readDemoState,
  writeDemoState,
  type DemoState,
} from './demo-state.js';
import { parseState } from './state-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-demo-state-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const state: DemoState = {
  studioId: 'st_abc',
  gatewayId: 'demo-gateway',
  memberIds: DEMO_ATHLETES.map((_, index) => `m_${index}`),
  sessionId: 's_1',
  displayToken: 'hrm_0123456789abcdef0123',
  coachToken: 'hrm_coach0123456789abcdef',
};

describe('demo state file', () => {
  it('reads back what was written, private to the user', () => {
    writeDemoState(dir, state);
    expect(readDemoState(dir)).toEqual(state);
    expect(fs.statSync(demoFile(dir)).mode & 0o777).toBe(0o600);
  });

  it('is absent when there is no file', () => {
    expect(readDemoState(path.join(dir, 'nowhere'))).toBeNull();
  });

  it.each([
    ['not JSON', '{"studioId": "st_'],
    ['empty', ''],
    ['an array', '[]'],
    ['a missing id', JSON.stringify({ ...state, studioId: undefined })],
    ['an id that is no subject token', JSON.stringify({ ...state, studioId: 'a.b' })],
    ['too many athletes', JSON.stringify({ ...state, memberIds: [...state.memberIds, 'm_extra'] })],
    ['a short token', JSON.stringify({ ...state, displayToken: 'x' })],
  ])('ignores a file with %s', (_, text) => {
    expect(parseState(demoState, text)).toBeNull();
    fs.writeFileSync(demoFile(dir), text);
    expect(readDemoState(dir)).toBeNull();
  });

  it('accepts a state from a start that stopped half-way', () => {
    const partial = { ...state, memberIds: ['m_0'], sessionId: null, displayToken: null };
    expect(parseState(demoState, JSON.stringify(partial))).toEqual(partial);
  });

  it('reads a file of an older start, which kept no coach token, as one without it', () => {
    const { coachToken: _, ...older } = state;
    expect(parseState(demoState, JSON.stringify(older))).toEqual({ ...state, coachToken: null });
  });

  it('has twelve athletes of varied birth years, sexes and weights', () => {
    expect(DEMO_ATHLETES).toHaveLength(12);
    expect(new Set(DEMO_ATHLETES.map((athlete) => athlete.sex)).size).toBe(3);
    expect(new Set(DEMO_ATHLETES.map((athlete) => athlete.birthYear)).size).toBe(12);
    expect(new Set(DEMO_ATHLETES.map((athlete) => athlete.weightKg)).size).toBeGreaterThan(8);
  });
});
