import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Address, OutgoingEmail } from '../types.js';

// RFC 5322 field names: printable ASCII except the colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// Headers the message structure owns; an "extra" header must never replace or add to them.
const RESERVED = new Set([
  'from', 'sender', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'date', 'message-id', 'in-reply-to', 'references',
  'mime-version', 'content-type', 'content-transfer-encoding', 'dkim-signature', 'return-path',
]);

/**
 * The one place an OutgoingEmail becomes a message, for every channel (SMTP hands nodemailer these
 * options; the API channels send the composed bytes, see composeMime). CR and LF become spaces in every value that
 * lands in a header (names, subject, extra headers), so no input can start a header of its own;
 * nodemailer does the same today, but this must not depend on a dependency's internals.
 * The envelope is explicit: only `to` ever receives the message.
 */
export function toMailOptions(email: OutgoingEmail): Mail.Options {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(email.headers ?? {})) {
    if (!FIELD_NAME.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (RESERVED.has(name.toLowerCase())) throw new TypeError(`header ${name} is set by the channel, not as an extra header`);
    headers[name] = oneLine(value);
  }
  return {
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
    envelope: { from: bareAddress(email.from.address), to: [bareAddress(email.to.address)] },
  };
}

function address(a: Address): Mail.Address {
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

/**
 * The RFC 5322 bytes the API channels hand over whole (Gmail `raw`, Graph MIME sendMail), so our
 * Message-ID, threading headers and List-Unsubscribe reach the recipient exactly as decided.
 * Throws TypeError for input that can never be sent.
 */
export async function composeMime(email: OutgoingEmail): Promise<Buffer> {
  const { envelope: _envelope, ...options } = toMailOptions(email);
  return new MailComposer(options).compile().build();
}
