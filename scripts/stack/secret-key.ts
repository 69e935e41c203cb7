// The key that encrypts the studios' Spotify tokens at rest: HRM_SECRET_KEY
// when given, else one generated once and kept (mode 0600) under HRM_DATA_DIR.
// Losing it loses nothing but the tokens: studios sign in to Spotify again.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { secretKey } from '#config';

export const SECRET_KEY_FILE = 'secret-key';

export function resolveSecretKey(dataDir: string, fromEnvironment: string | undefined): string {
  if (fromEnvironment !== undefined) return fromEnvironment;
  const file = path.join(dataDir, SECRET_KEY_FILE);
  try {
    const kept = fs.readFileSync(file, 'utf8').trim();
    if (secretKey.safeParse(kept).success) {
      fs.chmodSync(file, 0o600);
      return kept;
    }
  } catch {
    // none kept yet
  }
  const key = crypto.randomBytes(32).toString('hex');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, key + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return key;
}
