import { createHash, verify, type KeyLike } from 'node:crypto';

/**
 * A minimal DKIM verifier (RFC 6376: rsa-sha256, simple or relaxed canonicalization, no l=),
 * written from the RFC so the test checks nodemailer's signature against an independent reading
 * rather than against nodemailer itself. The public key is passed in instead of looked up in DNS.
 */
export function verifyDkim(raw: string, publicKey: KeyLike): { ok: boolean; reason: string; tags: Record<string, string> } {
  const split = raw.indexOf('\r\n\r\n');
  const headerText = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  const fields = headerText.split(/\r\n(?![ \t])/);
  const signature = fields.find((f) => /^dkim-signature\s*:/i.test(f));
  if (!signature) return { ok: false, reason: 'no DKIM-Signature', tags: {} };

  const tags: Record<string, string> = {};
  for (const tag of signature.slice(signature.indexOf(':') + 1).split(';')) {
    const eq = tag.indexOf('=');
    if (eq > 0) tags[tag.slice(0, eq).trim()] = tag.slice(eq + 1).replace(/\s+/g, '');
  }
  if (tags.a !== 'rsa-sha256') return { ok: false, reason: `unsupported a=${tags.a}`, tags };
  const [headerCanon = 'simple', bodyCanon = 'simple'] = (tags.c ?? 'simple/simple').split('/');

  const bodyHash = createHash('sha256').update(canonicalBody(body, bodyCanon)).digest('base64');
  if (bodyHash !== tags.bh) return { ok: false, reason: `body hash ${bodyHash} != bh=${tags.bh}`, tags };

  // Each name in h= takes the next instance of that field from the bottom up.
  const remaining = [...fields];
  let signed = '';
  for (const name of (tags.h ?? '').split(':').map((n) => n.trim().toLowerCase())) {
    const index = remaining.map((f) => f.slice(0, f.indexOf(':')).trim().toLowerCase()).lastIndexOf(name);
    if (index === -1) continue;
    signed += canonicalHeader(remaining[index]!, headerCanon) + '\r\n';
    remaining.splice(index, 1);
  }
  const unsignedSignature = signature.replace(/(\bb=)[^;]*/, '$1');
  signed += canonicalHeader(unsignedSignature, headerCanon);

  const ok = verify('sha256', Buffer.from(signed), publicKey, Buffer.from(tags.b ?? '', 'base64'));
  return { ok, reason: ok ? 'signature verified' : 'signature does not match', tags };
}

function canonicalHeader(field: string, canon: string): string {
  if (canon === 'simple') return field;
  const colon = field.indexOf(':');
  const name = field.slice(0, colon).trim().toLowerCase();
  const value = field.slice(colon + 1).replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim();
  return `${name}:${value}`;
}

function canonicalBody(body: string, canon: string): string {
  let lines = body.split('\r\n');
  if (canon === 'relaxed') lines = lines.map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return canon === 'relaxed' ? '' : '\r\n';
  return lines.join('\r\n') + '\r\n';
}
