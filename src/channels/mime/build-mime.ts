import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { encodeWord, foldLines } from 'nodemailer/lib/mime-funcs/index.js';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp/index.js';
import type { Address } from '../types.js';

/**
 * RFC 5322 / 2045 bytes built in one synchronous pass. nodemailer's composer streams every
 * part through a pipeline of transforms (a measured third of a worker's CPU per campaign
 * message); a cold email is one text part and one HTML part, so we write the bytes ourselves
 * and hand them over whole. nodemailer's small pure helpers still do the RFC 2047 words, the
 * line folding and quoted-printable, so those rules live in one well-tested place.
 */

export interface MimeParts {
  from: Address;
  to: Address;
  replyTo?: Address;
  subject: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /** Extra headers, already checked (names valid, none of the above). */
  headers: Record<string, string>;
  text: string;
  html?: string;
  date?: Date;
}

export function buildMime(m: MimeParts): Buffer {
  const lines: string[] = [
    header('From', addressHeader(m.from)),
    header('To', addressHeader(m.to)),
  ];
  if (m.replyTo) lines.push(header('Reply-To', addressHeader(m.replyTo)));
  lines.push(header('Subject', unstructured(m.subject)));
  lines.push(header('Date', (m.date ?? new Date()).toUTCString().replace(/GMT/, '+0000')));
  lines.push(header('Message-ID', m.messageId));
  if (m.inReplyTo) lines.push(header('In-Reply-To', m.inReplyTo));
  if (m.references?.length) lines.push(header('References', m.references.join(' ')));
  for (const [name, value] of Object.entries(m.headers)) lines.push(header(name, unstructured(value)));
  lines.push('MIME-Version: 1.0');

  if (m.html == null) {
    lines.push(...textPart('text/plain', m.text));
    return Buffer.from(lines.join('\r\n'), 'utf8');
  }
  // "=_" cannot occur in quoted-printable or base64 output, and every part is one of the two,
  // so this boundary never collides with content.
  const boundary = `--=_ms_${randomBytes(12).toString('hex')}`;
  lines.push(`Content-Type: multipart/alternative;\r\n boundary="${boundary}"`, '');
  lines.push(`--${boundary}`, ...textPart('text/plain', m.text));
  lines.push(`--${boundary}`, ...textPart('text/html', m.html));
  lines.push(`--${boundary}--`, '');
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

function header(name: string, value: string): string {
  return foldLines(`${name}: ${value}`, 76);
}

/** Header lines then the encoded body of one text part. */
function textPart(type: string, body: string): string[] {
  const base64 = mostlyNonLatin(body);
  // Line breaks are CRLF on the wire whatever the template used.
  const bytes = Buffer.from(body.replace(/\r?\n/g, '\r\n'), 'utf8');
  const encoded = base64 ? bytes.toString('base64').replace(/.{76}/g, '$&\r\n') : qpWrap(qpEncode(bytes), 76);
  return [
    `Content-Type: ${type}; charset=utf-8`,
    `Content-Transfer-Encoding: ${base64 ? 'base64' : 'quoted-printable'}`,
    '',
    encoded.replace(/\r?\n$/, ''),
  ];
}

/** Base64 is shorter than quoted-printable once most characters are outside ASCII. */
function mostlyNonLatin(value: string): boolean {
  let nonLatin = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x80 || (code < 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09)) nonLatin++;
  }
  return nonLatin > value.length - nonLatin;
}

/** Unstructured header text: RFC 2047 words when it holds anything but printable ASCII. */
function unstructured(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value) && !value.includes('=?')) return value;
  // The whole value, not only the non-ASCII words: some clients drop the spaces around a word.
  return encodeWord(value, mostlyNonLatin(value) ? 'B' : 'Q', 52);
}

function addressHeader(a: Address): string {
  const address = asciiDomain(a.address);
  const name = a.name ?? '';
  if (!name) return address;
  let shown: string;
  if (/^[\w ]*$/.test(name)) shown = name;
  else if (/^[\x20-\x7e]*$/.test(name)) shown = `"${name.replace(/["\\]/g, '\\$&')}"`;
  else shown = encodeWord(name, mostlyNonLatin(name) ? 'B' : 'Q', 52);
  return `${shown} <${address}>`;
}

/** An internationalised domain goes out as its A-label unless the local part already needs SMTPUTF8. */
function asciiDomain(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (/^[\x20-\x7e]*$/.test(domain) || /[^\x00-\x7f]/.test(local)) return address;
  return `${local}@${domainToASCII(domain) || domain}`;
}
