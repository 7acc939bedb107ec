import { describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { signTrackingToken, trackingKeys, verifyTrackingToken } from './tokens.js';

const newKey = () => randomBytes(32).toString('base64');
const k1 = newKey();
const keys = trackingKeys({ encryptionKeys: { k1 }, encryptionKeyId: 'k1' });
const messageId = randomUUID();

/** Flips one bit of byte `i` of the decoded token and re-encodes it. */
function flipByte(token: string, i: number): string {
  const raw = Buffer.from(token, 'base64url');
  raw[i] = raw[i]! ^ 0x01;
  return raw.toString('base64url');
}

describe('tracking tokens', () => {
  it('round-trips unsubscribe, open and click claims', () => {
    const u = signTrackingToken(keys, { kind: 'u', messageId });
    const o = signTrackingToken(keys, { kind: 'o', messageId });
    const c = signTrackingToken(keys, { kind: 'c', messageId, position: 513 });
    for (const t of [u, o, c]) expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verifyTrackingToken(keys, 'u', u)).toEqual({ kind: 'u', messageId });
    expect(verifyTrackingToken(keys, 'o', o)).toEqual({ kind: 'o', messageId });
    expect(verifyTrackingToken(keys, 'c', c)).toEqual({ kind: 'c', messageId, position: 513 });
    expect(verifyTrackingToken(keys, 'c', signTrackingToken(keys, { kind: 'c', messageId, position: 0 }))?.position).toBe(0);
  });

  it('rejects a token with any byte changed', () => {
    for (const token of [signTrackingToken(keys, { kind: 'u', messageId }), signTrackingToken(keys, { kind: 'c', messageId, position: 2 })]) {
      const kind = token.length === 40 ? 'c' : 'u';
      const bytes = Buffer.from(token, 'base64url').length;
      for (let i = 0; i < bytes; i++) expect(verifyTrackingToken(keys, kind, flipByte(token, i)), `byte ${i}`).toBeNull();
    }
  });

  it('never verifies a token as another kind', () => {
    const u = signTrackingToken(keys, { kind: 'u', messageId });
    const o = signTrackingToken(keys, { kind: 'o', messageId });
    const c = signTrackingToken(keys, { kind: 'c', messageId, position: 1 });
    expect(verifyTrackingToken(keys, 'o', u)).toBeNull();
    expect(verifyTrackingToken(keys, 'u', o)).toBeNull();
    expect(verifyTrackingToken(keys, 'c', u)).toBeNull();
    expect(verifyTrackingToken(keys, 'u', c)).toBeNull();
    expect(verifyTrackingToken(keys, 'o', c)).toBeNull();
  });

  it('rejects a click token whose position was changed', () => {
    const raw = Buffer.from(signTrackingToken(keys, { kind: 'c', messageId, position: 1 }), 'base64url');
    raw.writeUInt16BE(2, 16);
    expect(verifyTrackingToken(keys, 'c', raw.toString('base64url'))).toBeNull();
  });

  it('rejects another message id under the same MAC, other keys, and malformed input', () => {
    const raw = Buffer.from(signTrackingToken(keys, { kind: 'u', messageId }), 'base64url');
    Buffer.from(randomUUID().replace(/-/g, ''), 'hex').copy(raw, 0);
    expect(verifyTrackingToken(keys, 'u', raw.toString('base64url'))).toBeNull();

    const stranger = trackingKeys({ encryptionKeys: { k1: newKey() }, encryptionKeyId: 'k1' });
    expect(verifyTrackingToken(stranger, 'u', signTrackingToken(keys, { kind: 'u', messageId }))).toBeNull();

    const good = signTrackingToken(keys, { kind: 'u', messageId });
    for (const bad of ['', 'x', good + 'A', good.slice(1), good.replace(/.$/, '='), `${good.slice(0, 10)}+${good.slice(11)}`, '../../etc/passwd']) {
      expect(verifyTrackingToken(keys, 'u', bad), bad).toBeNull();
    }
  });

  it('refuses a non-canonical encoding of a valid token (no spare-bit variants)', () => {
    const good = signTrackingToken(keys, { kind: 'u', messageId });
    // 28 bytes fill 37⅓ base64 characters: the last character carries 4 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(good.at(-1)!);
    const variant = good.slice(0, -1) + alphabet[last ^ 0x01];
    expect(Buffer.from(variant, 'base64url').equals(Buffer.from(good, 'base64url'))).toBe(true);
    expect(verifyTrackingToken(keys, 'u', variant)).toBeNull();
  });

  it('keeps links in sent mail working after the active encryption key rotates, until the old key is removed', () => {
    const token = signTrackingToken(keys, { kind: 'u', messageId });
    const k2 = newKey();
    const rotated = trackingKeys({ encryptionKeys: { k1, k2 }, encryptionKeyId: 'k2' });
    expect(verifyTrackingToken(rotated, 'u', token)).toEqual({ kind: 'u', messageId });
    const fresh = signTrackingToken(rotated, { kind: 'u', messageId });
    expect(fresh).not.toBe(token);
    expect(verifyTrackingToken(keys, 'u', fresh)).toBeNull();
    const retired = trackingKeys({ encryptionKeys: { k2 }, encryptionKeyId: 'k2' });
    expect(verifyTrackingToken(retired, 'u', fresh)).toEqual({ kind: 'u', messageId });
    expect(verifyTrackingToken(retired, 'u', token)).toBeNull();
  });

  it('refuses to sign what it cannot encode', () => {
    expect(() => signTrackingToken(keys, { kind: 'u', messageId: 'not-a-uuid' })).toThrow();
    expect(() => signTrackingToken(keys, { kind: 'c', messageId, position: 70000 })).toThrow();
    expect(() => signTrackingToken(keys, { kind: 'c', messageId, position: -1 })).toThrow();
  });
});
