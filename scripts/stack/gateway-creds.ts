// The demo gateway's NATS credentials, as any gateway gets its own: registered
// through the API (POST /api/v1/studios/:studioId/gateways answers the creds
// file once), then kept under HRM_DATA_DIR (0600) and reused on the next start.
// The API keeps only the public key, so creds that are lost are replaced: the
// old registration revoked (DELETE), the gateway registered again.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { issuedGateway } from '#contracts';
import { writeSecret } from '#nats-auth';
import { ApiError, type ApiClient } from './api-client.js';

/** A NATS credentials file: what a kept one must still look like. */
const credsFileText = z.string().includes('BEGIN NATS USER JWT').includes('BEGIN USER NKEY SEED');

export const GATEWAY_CREDS_DIR = 'gateway-creds';

export const gatewayCredsFile = (dataDir: string, studioId: string, gatewayId: string) =>
  path.join(dataDir, GATEWAY_CREDS_DIR, `${studioId}.${gatewayId}.creds`);

export interface GatewayCreds {
  file: string;
  text: string;
  /** False when the file of an earlier start was reused. */
  registered: boolean;
}

const gatewaysRoute = (studioId: string) => `/studios/${encodeURIComponent(studioId)}/gateways`;

function readKept(file: string): string | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return credsFileText.safeParse(text).success ? text : null;
  } catch {
    return null;
  }
}

/** Revokes the gateway's registration; one that is already gone is fine. */
export async function revokeGateway(api: ApiClient, studioId: string, gatewayId: string): Promise<void> {
  try {
    await api.call(
      'DELETE',
      `${gatewaysRoute(studioId)}/${encodeURIComponent(gatewayId)}`,
      z.unknown(),
      undefined,
      204,
    );
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
}

/**
 * The kept creds of the gateway (unless `fresh`), else new ones from the API:
 * a gateway the API already knows (409) while its creds are not here is
 * revoked and registered again.
 */
export async function ensureGatewayCreds(
  api: ApiClient,
  dataDir: string,
  studioId: string,
  gatewayId: string,
  { fresh = false, name = 'npm start demo' }: { fresh?: boolean; name?: string } = {},
): Promise<GatewayCreds> {
  const file = gatewayCredsFile(dataDir, studioId, gatewayId);
  const kept = fresh ? null : readKept(file);
  if (kept !== null) return { file, text: kept, registered: false };
  const register = () => api.call('POST', gatewaysRoute(studioId), issuedGateway, { gatewayId, name });
  let created: z.output<typeof issuedGateway>;
  try {
    created = await register();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) throw error;
    await revokeGateway(api, studioId, gatewayId);
    created = await register();
  }
  writeSecret(file, created.creds);
  return { file, text: created.creds, registered: true };
}
