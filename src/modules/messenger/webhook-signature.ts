import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Facebook signs each delivery with X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw
 * body bytes under the app secret. The check runs on the exact bytes received (a re-serialised
 * body does not match) and compares in constant time. The legacy sha1 X-Hub-Signature alone is
 * not accepted.
 */
export function verifySignature(appSecret: string, rawBody: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const match = SIGNATURE.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(match[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
