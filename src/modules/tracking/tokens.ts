import { createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Secrets } from '../../config.js';

/**
 * Tokens in unsubscribe, open and click URLs. A token is base64url of
 *   message uuid (16 bytes) [+ link position, uint16 big-endian, clicks only] + MAC (12 bytes)
 * where MAC = HMAC-SHA256(tracking key, kind || uuid [|| position]) truncated to 96 bits.
 * The uuid is random (v4) and the MAC needs the key, so tokens can be neither guessed nor
 * forged; the kind is inside the MAC, so an open token never works as an unsubscribe token.
 *
 * The tracking key is derived with HKDF from each configured encryption key under its own label,
 * so it is independent of every other use of those keys. New tokens are signed with the subkey
 * of the active key; verification accepts the subkey of any configured key, so rotating
 * ENCRYPTION_KEY_ID keeps the links in mail already sent working for as long as the retired key
 * stays listed in ENCRYPTION_KEYS.
 */
export type TokenKind = 'u' | 'o' | 'c';
export type TokenClaim =
  | { kind: 'u'; messageId: string }
  | { kind: 'o'; messageId: string }
  | { kind: 'c'; messageId: string; position: number };

export interface TrackingKeys {
  signing: KeyObject;
  verifying: KeyObject[];
}

const MAC_BYTES = 12;
const UUID_BYTES = 16;
const POSITION_BYTES = 2;
/** Link positions fit in the token's uint16. */
export const MAX_LINK_POSITION = 0xffff;
const HKDF_SALT = Buffer.from('messagesender');
const HKDF_INFO = Buffer.from('tracking-token v1');
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_RE = /^[A-Za-z0-9_-]{38,40}$/;
const KIND_BYTE: Record<TokenKind, number> = { u: 0x75, o: 0x6f, c: 0x63 };

const cache = new WeakMap<object, TrackingKeys>();

function subkey(base64Key: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', Buffer.from(base64Key, 'base64'), HKDF_SALT, HKDF_INFO, 32)));
}

/** The tracking subkeys of the configured encryption keys (derived once per secrets object). */
export function trackingKeys(secrets: Pick<Secrets, 'encryptionKeys' | 'encryptionKeyId'>): TrackingKeys {
  const hit = cache.get(secrets);
  if (hit) return hit;
  const active = secrets.encryptionKeys[secrets.encryptionKeyId];
  if (!active) throw new Error(`encryption key "${secrets.encryptionKeyId}" is not configured`);
  const signing = subkey(active);
  const others = Object.entries(secrets.encryptionKeys).filter(([id]) => id !== secrets.encryptionKeyId).map(([, key]) => subkey(key));
  const keys = { signing, verifying: [signing, ...others] };
  cache.set(secrets, keys);
  return keys;
}

function mac(key: KeyObject, kind: TokenKind, body: Buffer): Buffer {
  return createHmac('sha256', key).update(Buffer.of(KIND_BYTE[kind])).update(body).digest().subarray(0, MAC_BYTES);
}

function uuidBytes(messageId: string): Buffer {
  if (!UUID_RE.test(messageId)) throw new Error('tracking tokens name messages by uuid');
  return Buffer.from(messageId.replace(/-/g, ''), 'hex');
}

function uuidString(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function signTrackingToken(keys: TrackingKeys, claim: TokenClaim): string {
  let body = uuidBytes(claim.messageId);
  if (claim.kind === 'c') {
    if (!Number.isInteger(claim.position) || claim.position < 0 || claim.position > MAX_LINK_POSITION) throw new Error('link position out of range');
    const withPosition = Buffer.allocUnsafe(UUID_BYTES + POSITION_BYTES);
    body.copy(withPosition);
    withPosition.writeUInt16BE(claim.position, UUID_BYTES);
    body = withPosition;
  }
  return Buffer.concat([body, mac(keys.signing, claim.kind, body)]).toString('base64url');
}

/**
 * The claim a token carries, or null when it is malformed, of another kind or not ours.
 * MACs are compared in constant time.
 */
export function verifyTrackingToken<K extends TokenKind>(keys: TrackingKeys, kind: K, token: string): Extract<TokenClaim, { kind: K }> | null {
  if (typeof token !== 'string' || !TOKEN_RE.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  const bodyBytes = kind === 'c' ? UUID_BYTES + POSITION_BYTES : UUID_BYTES;
  // Exact length and canonical encoding: one token per claim, no malleable spare bits.
  if (raw.length !== bodyBytes + MAC_BYTES || raw.toString('base64url') !== token) return null;
  const body = raw.subarray(0, bodyBytes);
  const presented = raw.subarray(bodyBytes);
  let valid = false;
  for (const key of keys.verifying) valid = timingSafeEqual(mac(key, kind, body), presented) || valid;
  if (!valid) return null;
  const messageId = uuidString(body.subarray(0, UUID_BYTES));
  const claim = kind === 'c' ? { kind, messageId, position: body.readUInt16BE(UUID_BYTES) } : { kind, messageId };
  return claim as Extract<TokenClaim, { kind: K }>;
}
