// What `npm run status` does: find the API and the operator token (the
// environment first, then the files `npm start` keeps in HRM_DATA_DIR), ask
// GET /api/v1/admin/health, print it as tables, and say with the exit code
// whether everything is ok. Reads the remembered ports through port-memory.ts,
// so it needs none of the stack's process handling.
import fs from 'node:fs';
import path from 'node:path';
import { platformHealth } from '#contracts';
import { ConfigError, loadEnv, statusEnv, type StatusEnv } from '#config';
import { ADMIN_TOKEN_FILE, isUsableToken } from './admin-token.js';
import { readPortMemory } from './port-memory.js';
import { statusLines } from './status-table.js';

const DEFAULT_API_PORT = 3000;

/** How long the API may take: each part of its answer is bounded at 2 s. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface StatusTarget {
  apiUrl: string;
  token: string | null;
  /** Where the token came from, for a message when it is refused. */
  tokenSource: string;
}

/** The API to ask and the token to ask with: the environment first, then the local stack's files. */
export function statusTarget(env: StatusEnv): StatusTarget {
  const dataDir = path.resolve(env.HRM_DATA_DIR);
  const port = env.API_PORT ?? readPortMemory(dataDir).api ?? DEFAULT_API_PORT;
  const apiUrl = env.HRM_API_URL ?? `http://127.0.0.1:${port}`;
  if (env.HRM_ADMIN_TOKEN !== undefined)
    return { apiUrl, token: env.HRM_ADMIN_TOKEN, tokenSource: 'HRM_ADMIN_TOKEN' };
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  const kept = readTextFile(file)?.trim() ?? null;
  return { apiUrl, token: kept !== null && isUsableToken(kept) ? kept : null, tokenSource: file };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function runStatus(
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  colour = process.stdout.isTTY === true,
): Promise<number> {
  const fail = (message: string) => {
    out(`npm run status: ${message}`);
    return 1;
  };
  let config: StatusEnv;
  try {
    config = loadEnv(statusEnv, env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const target = statusTarget(config);
  if (target.token === null)
    return fail(
      `no operator token: set HRM_ADMIN_TOKEN, or run it where npm start keeps one (${target.tokenSource})`,
    );
  let response: Response;
  try {
    response = await fetch(`${target.apiUrl}/api/v1/admin/health`, {
      headers: { authorization: `Bearer ${target.token}` },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const why =
      error instanceof Error && error.name === 'TimeoutError' ? 'no answer in 10 s' : 'nothing answers';
    return fail(
      `the stack is not running (${why} at ${target.apiUrl}): start it with npm start, ` +
        `or set HRM_API_URL to a running API`,
    );
  }
  if (response.status === 401 || response.status === 403)
    return fail(`the API at ${target.apiUrl} refused the operator token from ${target.tokenSource}`);
  if (!response.ok) return fail(`the API at ${target.apiUrl} answered HTTP ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    return fail(`the API at ${target.apiUrl} answered something that is not JSON: ${messageOf(error)}`);
  }
  const health = platformHealth.safeParse(body);
  if (!health.success)
    return fail(`the API at ${target.apiUrl} answered a health report this script does not know`);
  for (const line of statusLines(health.data, target.apiUrl, colour)) out(line);
  return health.data.status === 'ok' ? 0 : 1;
}

function readTextFile(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
