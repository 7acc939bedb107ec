import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Secrets } from '../config.js';

/**
 * Secrets at rest (mailbox passwords, OAuth tokens, DKIM keys): AES-256-GCM, with the id of the
 * key that sealed each value stored beside it, so keys can be rotated while old values still open.
 * Format: `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts).
 */
const PREFIX = 'enc:v1:';

export class DecryptError extends Error {}

function keyBytes(secrets: Pick<Secrets, 'encryptionKeys'>, id: string): Buffer {
  const key = secrets.encryptionKeys[id];
  if (!key) throw new DecryptError(`encryption key "${id}" is not configured`);
  return Buffer.from(key, 'base64');
}

/** `aad` binds a ciphertext to where it lives (e.g. "sender:<id>:password") so it cannot be moved. */
export function encrypt(secrets: Pick<Secrets, 'encryptionKeys' | 'encryptionKeyId'>, plaintext: string, aad = ''): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes(secrets, secrets.encryptionKeyId), iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return PREFIX + [secrets.encryptionKeyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

export function keyIdOf(sealed: string): string {
  if (!sealed.startsWith(PREFIX)) throw new DecryptError('not an encrypted value');
  return sealed.slice(PREFIX.length).split(':')[0]!;
}

export function decrypt(secrets: Pick<Secrets, 'encryptionKeys'>, sealed: string, aad = ''): string {
  if (!sealed.startsWith(PREFIX)) throw new DecryptError('not an encrypted value');
  const [id, iv, tag, ct] = sealed.slice(PREFIX.length).split(':');
  if (!id || !iv || !tag || ct === undefined) throw new DecryptError('malformed encrypted value');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyBytes(secrets, id), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch (err) {
    if (err instanceof DecryptError) throw err;
    throw new DecryptError('encrypted value failed authentication (wrong key, wrong context or tampered)');
  }
}
