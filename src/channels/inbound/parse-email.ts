import { simpleParser, type AddressObject, type HeaderLines } from 'mailparser';
import type { Address, InboundEmail } from '../types.js';
import { messageIdsIn, normaliseMessageId } from './message-ids.js';

/**
 * Raw RFC 5322 source into an InboundEmail, for channels that fetch raw messages (IMAP; the
 * Gmail API's format=raw). Header names are lower-cased; values are unfolded but not decoded.
 */
export async function parseRawEmail(raw: Buffer, providerId: string, fallbackDate = new Date()): Promise<InboundEmail> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const references = Array.isArray(parsed.references) ? parsed.references : parsed.references ? [parsed.references] : [];
  return {
    providerId,
    messageId: normaliseMessageId(parsed.messageId),
    inReplyTo: messageIdsIn(parsed.inReplyTo)[0] ?? null,
    references: references.flatMap(messageIdsIn),
    from: parsed.from?.value[0] ? toAddress(parsed.from.value[0]) : null,
    to: addressesOf(parsed.to),
    subject: parsed.subject ?? '',
    date: parsed.date ?? fallbackDate,
    text: parsed.text ?? '',
    html: parsed.html || null,
    headers: headerRecord(parsed.headerLines),
    raw,
  };
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): Address[] {
  const objects = Array.isArray(field) ? field : field ? [field] : [];
  return objects.flatMap((o) => o.value).filter((a) => a.address).map(toAddress);
}

function toAddress(a: { name: string; address?: string }): Address {
  return { name: a.name || null, address: a.address ?? '' };
}

/**
 * First occurrence wins: for trace headers (Received) that is the newest. No prototype, so a
 * header named `constructor` or `__proto__` is just a header.
 */
function headerRecord(lines: HeaderLines): Record<string, string> {
  const record: Record<string, string> = Object.create(null);
  for (const { key, line } of lines) {
    if (key in record) continue;
    const colon = line.indexOf(':');
    record[key] = line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return record;
}
