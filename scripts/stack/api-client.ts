// A small client of the REST contract for the demo set-up: every answer is
// parsed with the contract's schema; errors name the route, never the token.
import type { z } from 'zod';
import { problem } from '#contracts';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Another client of the same API with another token (e.g. a display token). */
  as(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  /** Calls `route` (under /api/v1), expects `status`, parses the body with `schema`. */
  async call<S extends z.ZodType>(
    method: string,
    route: string,
    schema: S,
    body?: unknown,
    status = method === 'POST' ? 201 : 200,
  ): Promise<z.output<S>> {
    const response = await this.send(method, route, body);
    const json = await readJson(response);
    if (response.status !== status) throw failure(method, route, response.status, json);
    return schema.parse(json);
  }

  /** A GET that answers null on 404 (and 401/403, when a token no longer works). */
  async find<S extends z.ZodType>(route: string, schema: S): Promise<z.output<S> | null> {
    const response = await this.send('GET', route);
    const json = await readJson(response);
    if ([401, 403, 404].includes(response.status)) return null;
    if (response.status !== 200) throw failure('GET', route, response.status, json);
    return schema.parse(json);
  }

  private async send(method: string, route: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}/api/v1${route}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function failure(method: string, route: string, status: number, body: unknown): ApiError {
  const details = problem.safeParse(body);
  const reason = details.success ? (details.data.detail ?? details.data.title) : `HTTP ${status}`;
  return new ApiError(status, `${method} /api/v1${route} answered ${status}: ${reason}`);
}
