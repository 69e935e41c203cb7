import crypto from 'node:crypto';

/** Our ids are NATS subject tokens too: `<prefix>_` and 16 url-safe characters. */
export function newId(prefix: 'st' | 'm' | 's' | 'p' | 'tok'): string {
  return `${prefix}_${crypto.randomBytes(12).toString('base64url')}`;
}
