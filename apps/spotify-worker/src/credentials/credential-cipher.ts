// Spotify credentials at rest: AES-256-GCM under HRM_SECRET_KEY, a fresh 96-bit IV each
// time, and the studio and field as associated data, so a ciphertext copied to
// another row or column does not decrypt. Stored as `v1.<iv>.<tag>.<data>`.
import crypto from 'node:crypto';

export type DecryptResult =
  { ok: true; plaintext: string } | { ok: false; reason: 'malformed' | 'wrong-key-or-tampered' };

export class CredentialCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the credential key must be 32 bytes');
  }

  encrypt(plaintext: string, context: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(stored: string, context: string): DecryptResult {
    const [version, iv, tag, data] = stored.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || data === undefined)
      return { ok: false, reason: 'malformed' };
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(data, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
      return { ok: true, plaintext };
    } catch {
      return { ok: false, reason: 'wrong-key-or-tampered' };
    }
  }
}
