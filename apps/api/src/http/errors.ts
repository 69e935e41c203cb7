import crypto from 'node:crypto';
import { z } from 'zod';

export type FieldError = { path: string; message: string };

export class BadInputError extends Error {
  override readonly name = 'BadInputError';
  constructor(
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
  }
}

export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
}

/** The service that owns the state refused a command: `type` is `urn:hrm:<owner>:<code>`. */
export class OwnerRefusedError extends Error {
  override readonly name = 'OwnerRefusedError';
  constructor(
    readonly owner: string,
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A body in a media type other than JSON, on a route that takes a JSON body (415). */
export class UnsupportedMediaTypeError extends Error {
  override readonly name = 'UnsupportedMediaTypeError';
}

/**
 * Parses outside input with its contract schema, or fails with 400 and the fields at fault.
 * No input at all (a request without a body) is `{}`; `null` is a JSON value like any other.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
  const result = schema.safeParse(input === undefined ? {} : input);
  if (result.success) return result.data;
  const fieldErrors = result.error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join('.') : '(root)',
    message: issue.message,
  }));
  throw new BadInputError(`invalid ${what}`, fieldErrors);
}

/** `If-Match: "12"` (or 12, or W/"12"); the OpenAPI document shows this pattern too. */
export const ifMatchPattern = /^(?:W\/)?"?(\d+)"?$/;

/** `If-Match: "12"` (or 12, or W/"12") → 12; absent → undefined. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = ifMatchPattern.exec(header.trim());
  if (match?.[1] === undefined)
    throw new BadInputError('If-Match must be an ETag this API returned, e.g. "12"');
  return Number(match[1]);
}

/** What a REST command hands `handleCommand`: the version the caller expects, a new correlation id. */
export function commandContext(ifMatch: string | undefined) {
  return { ifMatch: parseIfMatch(ifMatch), correlationId: crypto.randomUUID() };
}
