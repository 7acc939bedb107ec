import { domainToASCII } from 'node:url';
import { z } from 'zod';
import type { CustomFieldType } from '../../db/schema/index.js';
import type { FieldError } from '../../lib/problems.js';

/** Addresses that reach a function, not a person; imported but flagged. */
const ROLE_LOCAL_PARTS = new Set([
  'info', 'sales', 'support', 'admin', 'contact', 'hello', 'office', 'team', 'marketing', 'help', 'billing', 'noreply', 'no-reply',
  'postmaster', 'abuse', 'webmaster', 'hostmaster', 'jobs', 'careers', 'hr', 'press', 'media', 'enquiries', 'inquiries', 'accounts', 'service',
]);

// Practical address syntax: one @, a dotted domain with a 2+ letter TLD, no spaces or quotes.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}$/;

/**
 * Trimmed, lowercased, and an internationalised domain as its A-label (bücher.de →
 * xn--bcher-kva.de): one canonical form, so both spellings are one contact and one suppression,
 * and every server can take the address without SMTPUTF8. Non-ASCII local parts stay invalid.
 */
export function normalizeContactEmail(email: string): string {
  const e = email.trim().toLowerCase();
  const at = e.lastIndexOf('@');
  return at > 0 && /[^\x00-\x7f]/.test(e.slice(at + 1)) ? `${e.slice(0, at)}@${asciiDomain(e.slice(at + 1))}` : e;
}

/** A domain's A-label form; an impossible domain comes back unchanged (and fails validation). */
export const asciiDomain = (domain: string) => domainToASCII(domain) || domain;
export const isValidEmail = (email: string) => email.length <= 254 && EMAIL.test(email) && !email.includes('..');
export const isRoleAddress = (email: string) => ROLE_LOCAL_PARTS.has(email.split('@')[0]!.split('+')[0]!);
export const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const optionalText = (max: number) => z.string().trim().max(max, { error: `must be at most ${max} characters` }).nullable().optional();
export const tagSchema = z.string().trim().min(1).max(100);
export const customValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const contactWritable = {
  firstName: optionalText(200),
  lastName: optionalText(200),
  company: optionalText(300),
  title: optionalText(300),
  phone: optionalText(50),
  timeZone: z.string().trim().max(100).refine(isValidTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }).nullable().optional(),
  source: optionalText(100),
  tags: z.array(tagSchema).max(100).optional(),
  custom: z.record(z.string(), customValue).optional(),
};

export const emailSchema = z.string().trim().max(254).transform(normalizeContactEmail).refine(isValidEmail, { error: 'must be a valid email address' });

export interface CustomFieldDef {
  key: string;
  type: CustomFieldType;
}

/**
 * Coerces one raw custom value (from JSON or a CSV cell) to its field's type.
 * Returns undefined with a message when it cannot be coerced.
 */
export function coerceCustom(type: CustomFieldType, raw: unknown): { value: string | number | boolean | null } | { error: string } {
  if (raw === null || raw === undefined || raw === '') return { value: null };
  switch (type) {
    case 'text':
      return { value: String(raw).slice(0, 2000) };
    case 'number': {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim().replace(/,(?=\d{3}\b)/g, ''));
      return Number.isFinite(n) ? { value: n } : { error: 'must be a number' };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const s = String(raw).trim().toLowerCase();
      if (['true', 'yes', 'y', '1'].includes(s)) return { value: true };
      if (['false', 'no', 'n', '0'].includes(s)) return { value: false };
      return { error: 'must be true or false' };
    }
    case 'date': {
      const s = String(raw).trim();
      const d = /^\d{4}-\d{2}-\d{2}/.test(s) ? new Date(s.length === 10 ? `${s}T00:00:00Z` : s) : new Date(NaN);
      return Number.isNaN(d.getTime()) ? { error: 'must be a date like 2024-05-31' } : { value: s.length === 10 ? s : d.toISOString() };
    }
  }
}

/** Validates custom values against the workspace's definitions; unknown keys are errors. */
export function coerceCustomValues(defs: CustomFieldDef[], values: Record<string, unknown>, fieldPrefix = 'custom'): { custom: Record<string, string | number | boolean | null>; errors: FieldError[] } {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const custom: Record<string, string | number | boolean | null> = {};
  const errors: FieldError[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const def = byKey.get(key);
    if (!def) {
      errors.push({ field: `${fieldPrefix}.${key}`, message: 'is not a custom field of this workspace' });
      continue;
    }
    const result = coerceCustom(def.type, raw);
    if ('error' in result) errors.push({ field: `${fieldPrefix}.${key}`, message: result.error });
    else custom[key] = result.value;
  }
  return { custom, errors };
}
