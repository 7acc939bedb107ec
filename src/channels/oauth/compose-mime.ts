import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Address, OutgoingEmail } from '../types.js';

// RFC 5322 field names: printable ASCII except the colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// Headers the message structure owns; an "extra" header must never replace or add to them.
const RESERVED = new Set([
  'from', 'sender', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'date', 'message-id', 'in-reply-to', 'references',
  'mime-version', 'content-type', 'content-transfer-encoding', 'dkim-signature', 'return-path',
]);
const ADDRESS = /^[^\s<>(),;:"]+@[^\s<>(),;:"@]+$/;

/**
 * The RFC 5322 message the API channels hand over whole (Gmail `raw`, Graph MIME sendMail), so our
 * Message-ID, threading headers and List-Unsubscribe reach the recipient exactly as decided.
 * CR and LF become spaces in every value that lands in a header (names, subject, extra headers),
 * so no input can start a header of its own, whatever nodemailer does. Throws TypeError for input
 * that can never be sent (bad address, reserved or malformed header name).
 */
export async function composeMime(email: OutgoingEmail): Promise<Buffer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(email.headers ?? {})) {
    if (!FIELD_NAME.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (RESERVED.has(name.toLowerCase())) throw new TypeError(`header ${name} is set by the channel, not as an extra header`);
    headers[name] = oneLine(value);
  }
  const composer = new MailComposer({
    from: address(email.from),
    to: address(email.to),
    replyTo: email.replyTo ? address(email.replyTo) : undefined,
    subject: oneLine(email.subject),
    text: email.text,
    html: email.html ?? undefined,
    messageId: oneLine(email.messageId),
    inReplyTo: email.inReplyTo ? oneLine(email.inReplyTo) : undefined,
    references: email.references?.length ? email.references.map(oneLine) : undefined,
    headers,
  });
  return composer.compile().build();
}

function address(a: Address): { name: string; address: string } {
  if (!ADDRESS.test(a.address)) throw new TypeError(`invalid email address ${JSON.stringify(a.address)}`);
  return { name: oneLine(a.name ?? ''), address: a.address };
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}
