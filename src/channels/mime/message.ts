import type { Address, OutgoingEmail } from '../types.js';
import { buildMime } from './build-mime.js';

// RFC 5322 field names: printable ASCII except the colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// Headers the message structure owns; an "extra" header must never replace or add to them.
const RESERVED = new Set([
  'from', 'sender', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'date', 'message-id', 'in-reply-to', 'references',
  'mime-version', 'content-type', 'content-transfer-encoding', 'dkim-signature', 'return-path',
]);

/**
 * The one place an OutgoingEmail becomes a message, for every channel: SMTP sends these bytes
 * with the explicit envelope (only `to` ever receives the message), the API channels hand them
 * over whole (Gmail `raw`, Graph MIME sendMail), so our Message-ID, threading headers and
 * List-Unsubscribe reach the recipient exactly as decided. CR and LF become spaces in every
 * value that lands in a header (names, subject, extra headers), so no input can start a header
 * of its own. Throws TypeError for input that can never be sent.
 */
export function composeMime(email: OutgoingEmail): { raw: Buffer; envelope: { from: string; to: string[] } } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(email.headers ?? {})) {
    if (!FIELD_NAME.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (RESERVED.has(name.toLowerCase())) throw new TypeError(`header ${name} is set by the channel, not as an extra header`);
    headers[name] = oneLine(value);
  }
  const from = address(email.from);
  const to = address(email.to);
  const raw = buildMime({
    from,
    to,
    replyTo: email.replyTo ? address(email.replyTo) : undefined,
    subject: oneLine(email.subject),
    messageId: oneLine(email.messageId),
    inReplyTo: email.inReplyTo ? oneLine(email.inReplyTo) : undefined,
    references: email.references?.length ? email.references.map(oneLine) : undefined,
    headers,
    text: email.text,
    html: email.html ?? undefined,
  });
  return { raw, envelope: { from: from.address, to: [to.address] } };
}

function address(a: Address): Address {
  return { name: oneLine(a.name ?? ''), address: bareAddress(a.address) };
}

/** An address goes into SMTP commands too; whitespace or brackets in it are refused, not repaired. */
function bareAddress(value: string): string {
  if (!/^[^\s<>(),;:"]+@[^\s<>(),;:"@]+$/.test(value)) throw new TypeError(`invalid email address ${JSON.stringify(value)}`);
  return value;
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}
