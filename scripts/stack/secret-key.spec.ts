import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { secretKey } from '#config';
import { SECRET_KEY_FILE, resolveSecretKey } from './secret-key.js';

describe('resolveSecretKey', () => {
  it('generates a 32-byte key once, keeps it 0600, and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-key-'));
    const first = resolveSecretKey(dir, undefined);
    expect(secretKey.parse(first)).toHaveLength(32);
    expect(fs.statSync(path.join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey(dir, undefined)).toBe(first);
    expect(resolveSecretKey(dir, 'from-env')).toBe('from-env');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
