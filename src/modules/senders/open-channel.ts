import type { Secrets } from '../../config.js';
import { createSmtpChannel } from '../../channels/smtp/index.js';
import type { EmailChannel } from '../../channels/types.js';
import { AppError } from '../../lib/problems.js';
import { openSecret, type SenderRow } from './senders.js';

/** Builds the channel for a stored account, decrypting its credentials only in memory. */
export function openSmtpChannel(secrets: Secrets, row: SenderRow): EmailChannel {
  if (row.kind !== 'smtp') throw new AppError(409, 'unsupported', `Testing ${row.kind} accounts goes through their provider connection.`);
  const dkimKey = openSecret(secrets, row, 'dkimPrivateKeyEnc');
  return createSmtpChannel({
    smtp: { host: row.smtpHost!, port: row.smtpPort!, secure: row.smtpSecurity!, user: row.smtpUser!, password: openSecret(secrets, row, 'smtpPasswordEnc') ?? '' },
    imap: { host: row.imapHost!, port: row.imapPort!, secure: row.imapSecure!, user: row.imapUser!, password: openSecret(secrets, row, 'imapPasswordEnc') ?? '' },
    dkim: dkimKey && row.dkimDomain && row.dkimSelector ? { domainName: row.dkimDomain, keySelector: row.dkimSelector, privateKey: dkimKey } : undefined,
    fromDomain: row.sendingDomain ?? row.email.split('@')[1]!,
    timeouts: { connectMs: 15_000, socketMs: 20_000 },
  });
}
