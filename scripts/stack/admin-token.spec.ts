import { afterAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_TOKEN_FILE, generateAdminToken, resolveAdminToken } from './admin-token.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-admin-token-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const fresh = () => fs.mkdtempSync(path.join(root, 'data-'));

describe('operator token of the local stack', () => {
  it('is hrm_admin_ and 32 base64url characters', () => {
    expect(generateAdminToken()).toMatch(/^hrm_admin_[A-Za-z0-9_-]{32}$/);
    expect(generateAdminToken()).not.toBe(generateAdminToken());
  });

  it('is generated once, kept with mode 0600, and reused', () => {
    const dir = fresh();
    const first = resolveAdminToken(dir, undefined);
    expect(first.source).toBe('generated');
    const file = path.join(dir, ADMIN_TOKEN_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveAdminToken(dir, undefined)).toEqual({ token: first.token, source: 'kept' });
  });

  it('comes from HRM_ADMIN_TOKEN when set, and is then not written down', () => {
    const dir = fresh();
    expect(resolveAdminToken(dir, 'given-token-0123456789')).toEqual({
      token: 'given-token-0123456789',
      source: 'environment',
    });
    expect(fs.existsSync(path.join(dir, ADMIN_TOKEN_FILE))).toBe(false);
  });

  it('replaces a kept file that holds no usable token', () => {
    const dir = fresh();
    fs.writeFileSync(path.join(dir, ADMIN_TOKEN_FILE), 'short\n');
    const replaced = resolveAdminToken(dir, undefined);
    expect(replaced.source).toBe('generated');
    expect(fs.readFileSync(path.join(dir, ADMIN_TOKEN_FILE), 'utf8').trim()).toBe(replaced.token);
  });
});
