import type { InboundEmail } from '../types.js';
import type { Bounce } from './dsn.js';
import { normaliseMessageId } from './message-ids.js';

/**
 * Bounces that are not RFC 3464 reports (older qmail/Exim setups, some hosted gateways) are
 * plain text from MAILER-DAEMON or postmaster. We only call something a bounce when the sender
 * or the null Return-Path says a mail system wrote it AND the subject or a status code says it
 * failed, so a person writing "undeliverable" in a subject is never taken for a bounce.
 */
const DAEMON_LOCAL_PART = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)$/i;
const BOUNCE_SUBJECT =
  /undeliver(ed|able)|returned to sender|delivery status notification|delivery (has )?fail|failure notice|mail delivery (failed|failure|subsystem)|returned mail|could not be delivered|non[- ]?delivery|delivery (notification|report)|unzustellbar|non remis|no se pudo entregar|not delivered/i;
const DELAY_SUBJECT = /\bdelay(ed)?\b|warning|will retry|still trying|verzögert|retard/i;
const ENHANCED_STATUS = /\b([45])\.(\d{1,3})\.(\d{1,3})\b/;
const REPLY_CODE = /\b([45][0-9][0-9])[ -]/;
const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

export function readTextBounce(email: InboundEmail, headers: Map<string, string>): Bounce | null {
  const local = (email.from?.address ?? '').split('@')[0] ?? '';
  const nullSender = (headers.get('return-path') ?? '').replace(/\s/g, '') === '<>';
  const fromDaemon = DAEMON_LOCAL_PART.test(local);
  if (!fromDaemon && !nullSender) return null;

  const text = email.text ?? '';
  // The returned original usually follows one of these markers; a status code or address in it
  // belongs to the original, not to the failure report.
  const cut = text.search(/^-{3,}.*(original message|returned message|copy of the message|headers? of (the )?original)|^original message|^\s*Received: /im);
  const report = cut === -1 ? text : text.slice(0, cut);
  const statusMatch = report.match(ENHANCED_STATUS);
  const codeMatch = report.match(REPLY_CODE);
  if (!BOUNCE_SUBJECT.test(email.subject) && !(fromDaemon && (statusMatch || codeMatch))) return null;

  const klass = statusMatch?.[1] ?? codeMatch?.[1]?.[0] ?? (DELAY_SUBJECT.test(email.subject) ? '4' : '5');
  const status = statusMatch ? statusMatch[0] : `${klass}.0.0`;
  const diagnosticLine = report.split(/\r?\n/).find((l) => (statusMatch && l.includes(statusMatch[0])) || (codeMatch && l.includes(codeMatch[0])));
  return {
    type: klass === '4' ? 'soft' : 'hard',
    status,
    diagnostic: (diagnosticLine ?? '').replace(/\s+/g, ' ').trim(),
    recipient: failedRecipient(report, email.from?.address ?? null),
    originalMessageId: originalIdInText(text),
  };
}

function failedRecipient(report: string, daemonAddress: string | null): string | null {
  for (const address of report.match(EMAIL) ?? []) {
    if (address.toLowerCase() !== (daemonAddress ?? '').toLowerCase()) return address;
  }
  return null;
}

/** The returned original's Message-ID header, quoted in the bounce's text. */
function originalIdInText(text: string): string | null {
  const match = text.match(/^\s*Message-ID:\s*(<[^<>\s]+>)/im);
  return normaliseMessageId(match?.[1]);
}
