// The REST API, from a page served by the API itself (same origin). Every answer
// is parsed by the contract's zod schema; a refusal becomes an ApiError carrying
// the problem's title (and status), which the pages show as it is.
import { z } from 'zod';
import { problem, publicConfig, type PublicConfig } from '#contracts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

/** What the page needs to talk to the platform: the realtime URL (public, no token needed). */
export async function loadConfig(): Promise<PublicConfig> {
  const response = await fetch('/api/v1/config');
  if (!response.ok) throw new ApiError(response.status, response.statusText, 'cannot load /api/v1/config');
  return publicConfig.parse(await response.json());
}

export class Api {
  constructor(private readonly token: string) {}

  get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    return this.send('GET', path, schema);
  }

  /** A command: POST/PUT/DELETE with an optional JSON body. */
  send<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    // Said, so that a route which also redirects (Spotify's sign-in) answers JSON to a page.
    return this.request(method, path, body, 'application/json').then(async (response) =>
      schema.parse(await json(response)),
    );
  }

  /** A command whose answer the page does not need (204 or a body it ignores). */
  async command(method: string, path: string, body?: unknown): Promise<void> {
    await this.request(method, path, body);
  }

  /** The answer's text, for CSV. */
  async text(path: string): Promise<string> {
    return (await this.request('GET', path)).text();
  }

  private async request(method: string, path: string, body?: unknown, accept?: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (accept !== undefined) headers.accept = accept;
    const response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await refusal(response);
    return response;
  }
}

async function json(response: Response): Promise<unknown> {
  return response.status === 204 ? null : response.json();
}

async function refusal(response: Response): Promise<ApiError> {
  const parsed = problem.safeParse(await response.json().catch(() => null));
  return parsed.success
    ? new ApiError(parsed.data.status, parsed.data.title, parsed.data.detail)
    : new ApiError(response.status, response.statusText || `HTTP ${response.status}`, undefined);
}
