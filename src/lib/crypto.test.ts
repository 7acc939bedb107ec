import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { decrypt, DecryptError, encrypt, keyIdOf } from './crypto.js';

const k = () => randomBytes(32).toString('base64');
const ring = { encryptionKeys: { k1: k() }, encryptionKeyId: 'k1' };

describe('secrets at rest (AES-256-GCM with key ids)', () => {
  it('round-trips text and never stores it in the clear', () => {
    const sealed = encrypt(ring, 'app-password-123', 'sender:1:password');
    expect(sealed).not.toContain('app-password-123');
    expect(keyIdOf(sealed)).toBe('k1');
    expect(decrypt(ring, sealed, 'sender:1:password')).toBe('app-password-123');
    expect(encrypt(ring, 'same')).not.toBe(encrypt(ring, 'same'));
  });

  it('refuses a value moved to another context or tampered with', () => {
    const sealed = encrypt(ring, 'token', 'sender:1:refresh');
    expect(() => decrypt(ring, sealed, 'sender:2:refresh')).toThrow(DecryptError);
    const parts = sealed.split(':');
    parts[5] = Buffer.from('evil').toString('base64url');
    expect(() => decrypt(ring, parts.join(':'), 'sender:1:refresh')).toThrow(DecryptError);
  });

  it('opens values sealed under an older key after the active key changes', () => {
    const old = encrypt(ring, 'sealed with k1');
    const rotated = { encryptionKeys: { ...ring.encryptionKeys, k2: k() }, encryptionKeyId: 'k2' };
    expect(keyIdOf(encrypt(rotated, 'x'))).toBe('k2');
    expect(decrypt(rotated, old)).toBe('sealed with k1');
    expect(() => decrypt({ encryptionKeys: { k2: rotated.encryptionKeys.k2 } }, old)).toThrow(/"k1" is not configured/);
  });
});
