import type { BadgeTone } from '../ui/Badge';
import type { Contact, ContactStatus, CustomFieldType, CustomValue } from '../../api/types';

export const CONTACT_STATUSES: ContactStatus[] = ['active', 'unsubscribed', 'bounced', 'complained', 'erased'];

export const statusLabel: Record<ContactStatus, string> = {
  active: 'Active',
  unsubscribed: 'Unsubscribed',
  bounced: 'Bounced',
  complained: 'Complained',
  erased: 'Erased',
};

export const statusTone: Record<ContactStatus, BadgeTone> = {
  active: 'success',
  unsubscribed: 'neutral',
  bounced: 'warning',
  complained: 'danger',
  erased: 'neutral',
};

export const statusDescription: Record<ContactStatus, string> = {
  active: 'Can be contacted.',
  unsubscribed: 'Asked not to be contacted; the address is suppressed.',
  bounced: 'Mail to this address bounced; the address is suppressed.',
  complained: 'Marked a message as spam; the address is suppressed.',
  erased: 'Personal data was erased.',
};

/** The built-in contact fields, in form order, with the labels used everywhere (forms, mapping, segments). */
export const BUILTIN_FIELDS = [
  { key: 'email', label: 'Email' },
  { key: 'firstName', label: 'First name' },
  { key: 'lastName', label: 'Last name' },
  { key: 'company', label: 'Company' },
  { key: 'title', label: 'Title' },
  { key: 'phone', label: 'Phone' },
  { key: 'timeZone', label: 'Time zone' },
  { key: 'tags', label: 'Tags' },
] as const;

export function fullName(contact: Pick<Contact, 'firstName' | 'lastName'>): string {
  return [contact.firstName, contact.lastName].filter(Boolean).join(' ').trim();
}

export function contactTitle(contact: Contact): string {
  if (contact.status === 'erased' || !contact.email) return 'Erased contact';
  return fullName(contact) || contact.email;
}

/** "vip, lead ,vip" → ["vip", "lead"]. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((tag) => tag.trim()).filter(Boolean))];
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export function validateContactEmail(value: string): string | undefined {
  const email = value.trim();
  if (!email) return 'Enter an email address.';
  if (!EMAIL_PATTERN.test(email)) return 'Enter a valid email address, like name@company.com.';
  return undefined;
}

export function isValidTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function validateTimeZone(value: string): string | undefined {
  const tz = value.trim();
  if (!tz || isValidTimeZone(tz)) return undefined;
  return 'Use a time zone name such as Europe/Berlin or America/New_York.';
}

/** Id of the one <datalist> of IANA zones that time zone inputs point at. */
export const TIME_ZONE_LIST_ID = 'time-zone-suggestions';

let zones: string[] | null = null;

/** IANA zone names for suggestions, where the browser can list them. */
export function timeZoneNames(): string[] {
  if (zones) return zones;
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return zones;
}

/** Blank text fields become null, so clearing a field really clears it. */
export const nullIfBlank = (value: string) => (value.trim() ? value.trim() : null);

/** Custom values as the form edits them (strings), and back. */
export function customToText(type: CustomFieldType, value: CustomValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (type === 'boolean') return value === true ? 'true' : value === false ? 'false' : '';
  if (type === 'date' && typeof value === 'string') return value.slice(0, 10);
  return String(value);
}

export function textToCustom(type: CustomFieldType, text: string): CustomValue {
  const value = text.trim();
  if (!value) return null;
  if (type === 'number') return Number(value);
  if (type === 'boolean') return value === 'true';
  return value;
}
