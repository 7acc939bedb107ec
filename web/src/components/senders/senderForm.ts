import type { SmtpSecurity } from '../../api/senders';
import type { SelectOption } from '../ui/Field';

/** Server fields are paths ("smtp.host", "warmup.start"); the forms name them "smtpHost", "warmupStart". */
export function senderFieldFromServer(field: string): string | undefined {
  const parts = field.split(/[./]/).filter(Boolean);
  if (parts.length === 0) return undefined;
  return parts.map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1))).join('');
}

export const securityOptions: SelectOption[] = [
  { value: 'starttls', label: 'STARTTLS' },
  { value: 'tls', label: 'TLS' },
  { value: 'none', label: 'None' },
];

/** The conventional port for each SMTP security mode, used when the user switches modes. */
export const defaultSmtpPort: Record<SmtpSecurity, string> = { starttls: '587', tls: '465', none: '25' };
export const defaultImapPort = (secure: boolean) => (secure ? '993' : '143');

/** Whole number in range, or an error sentence naming the field. */
export function validateInteger(value: string, label: string, min: number, max: number): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return `Enter ${label.toLowerCase()}.`;
  if (!/^\d+$/.test(trimmed)) return `${label} must be a whole number.`;
  const n = Number(trimmed);
  if (n < min || n > max) return `${label} must be between ${min.toLocaleString()} and ${max.toLocaleString()}.`;
  return undefined;
}

export function validateHost(value: string, label: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return `Enter the ${label}.`;
  if (!/^[A-Za-z0-9.-]+$/.test(trimmed)) return `The ${label} must be a host name, like smtp.example.com.`;
  return undefined;
}

export const toInt = (value: string) => Number(value.trim());

/** The mailbox's domain, for host placeholders such as smtp.example.com. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at > 0 && at < email.length - 1 ? email.slice(at + 1).trim().toLowerCase() : 'example.com';
}

/** Labels of the server and DKIM fields, shared by the connect and settings forms for error messages. */
export const SERVER_FIELD_LABELS = {
  smtpHost: 'SMTP host',
  smtpPort: 'SMTP port',
  smtpUser: 'SMTP username',
  smtpPassword: 'SMTP password',
  imapHost: 'IMAP host',
  imapPort: 'IMAP port',
  imapUser: 'IMAP username',
  imapPassword: 'IMAP password',
  dkimDomain: 'DKIM domain',
  dkimSelector: 'DKIM selector',
  dkimPrivateKey: 'DKIM private key',
} as const;
