// The bootstrap operator token of a local stack: HRM_ADMIN_TOKEN when given,
// else one generated once and kept (mode 0600) under HRM_DATA_DIR, so screens
// and scripts configured with it keep working after a restart.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';

export type AdminTokenSource = 'environment' | 'kept' | 'generated';

export interface AdminToken {
  token: string;
  source: AdminTokenSource;
}

/** `hrm_admin_` and 32 base64url characters (192 random bits). */
export function generateAdminToken(): string {
  return `hrm_admin_${crypto.randomBytes(24).toString('base64url')}`;
}

/** A kept token is used only when it still looks like one; anything else is replaced. */
export function isUsableToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{16,512}$/.test(value);
}

function readKept(file: string): string | null {
  try {
    const kept = fs.readFileSync(file, 'utf8').trim();
    return isUsableToken(kept) ? kept : null;
  } catch {
    return null;
  }
}

export function resolveAdminToken(dataDir: string, fromEnvironment: string | undefined): AdminToken {
  if (fromEnvironment !== undefined) return { token: fromEnvironment, source: 'environment' };
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  const kept = readKept(file);
  if (kept !== null) {
    fs.chmodSync(file, 0o600);
    return { token: kept, source: 'kept' };
  }
  const token = generateAdminToken();
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, token + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { token, source: 'generated' };
}
