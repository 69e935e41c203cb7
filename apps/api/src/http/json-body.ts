// Request bodies are JSON, and at most 100 kB: what the body parser reads, and
// what a route that takes a body refuses (415) when it is sent as anything else.
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';

/** The largest body the API reads; a larger one answers 413 (docs/contracts/rest.md). */
export const BODY_LIMIT_BYTES = 100 * 1024;
export const BODY_LIMIT_TEXT = '100 kB';

/** What the body parser reads as JSON: `application/json` and any `application/<x>+json`. */
export const jsonMediaTypes = ['application/json', 'application/*+json'];

/** `application/json; charset=utf-8` → true; `text/plain`, `application/x-www-form-urlencoded` → false. */
export function isJsonMediaType(contentType: string): boolean {
  const essence = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return essence === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(essence);
}

/** Whether the request carries a body at all (as body-parser decides it). */
export function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Only JSON is read, and any JSON value, `null` included: a body that is valid JSON but not
 * the object a route wants gets the route's 400 with field errors, not "invalid JSON".
 */
export function useJsonBodies(app: NestExpressApplication): void {
  app.useBodyParser('json', { strict: false, limit: BODY_LIMIT_BYTES, type: jsonMediaTypes });
}
