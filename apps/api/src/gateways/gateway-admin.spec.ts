// Gateway registration is on with all of its keys, off with none of them (the
// routes answer 503, the API says so once); half a configuration stops the API.
import { describe, expect, it } from '@jest/globals';
import { apiEnv, ConfigError, createLogger, loadEnv } from '#config';
import { GatewayAdmin } from './gateway-admin.js';

const base = { HRM_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef', NATS_CREDS: '/nowhere/api.creds' };

function quietLogger(lines: string[]) {
  return createLogger('api', 'info', {}, (line) => lines.push(line));
}

describe('GatewayAdmin.connect', () => {
  it('is off, and says so, when none of its variables is set (compose passes them empty)', async () => {
    const lines: string[] = [];
    const env = loadEnv(apiEnv, { ...base, NATS_ACCOUNT_SIGNER: '', NATS_OPERATOR_SIGNER: '' });
    expect(await GatewayAdmin.connect(env, 'api-1', quietLogger(lines))).toBeUndefined();
    expect(lines.join('\n')).toMatch(/gateway registration is off/);
  });

  it('refuses to start with some of its variables but not all, naming the missing ones', async () => {
    const env = loadEnv(apiEnv, { ...base, NATS_ACCOUNT_SIGNER: '/keys/account-signer.nk' });
    const attempt = GatewayAdmin.connect(env, 'api-1', quietLogger([]));
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(/NATS_OPERATOR_SIGNER, NATS_ACCOUNT_ADMIN_CREDS/);
  });

  it('needs the API user of the account its gateways join', async () => {
    const { NATS_CREDS: _creds, ...withoutCreds } = base;
    const env = loadEnv(apiEnv, {
      ...withoutCreds,
      NATS_ACCOUNT_SIGNER: '/keys/a.nk',
      NATS_OPERATOR_SIGNER: '/keys/o.nk',
      NATS_ACCOUNT_ADMIN_CREDS: '/creds/admin.creds',
    });
    await expect(GatewayAdmin.connect(env, 'api-1', quietLogger([]))).rejects.toThrow(/needs NATS_CREDS/);
  });
});
