import type { CustomFieldType } from '../../../db/schema/index.js';
import { coerceCustom, isRoleAddress, isValidEmail, isValidTimeZone, normalizeContactEmail } from '../contact-input.js';

export type IssueReason = 'invalid_email' | 'duplicate_in_file' | 'role_address' | 'invalid_field' | 'malformed_row';

export interface StagedRow {
  rowNumber: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  title: string | null;
  phone: string | null;
  timeZone: string | null;
  tags: string[] | null;
  custom: Record<string, string | number | boolean | null> | null;
  isRoleAddress: boolean;
}

export interface RowIssue {
  rowNumber: number;
  email: string | null;
  reason: IssueReason;
  skipped: boolean;
  detail?: string;
}

/** Column index → what it fills, resolved once from the header row and the chosen mapping. */
export interface ColumnPlan {
  email: number;
  fields: { index: number; target: 'firstName' | 'lastName' | 'company' | 'title' | 'phone' | 'timeZone' | 'tags' }[];
  custom: { index: number; key: string; type: CustomFieldType }[];
}

export function planColumns(headers: string[], mapping: Record<string, string>, customTypes: Map<string, CustomFieldType>): ColumnPlan {
  const plan: ColumnPlan = { email: -1, fields: [], custom: [] };
  const seen = new Set<string>();
  headers.forEach((header, index) => {
    const target = mapping[header];
    if (!target || seen.has(header)) return;
    seen.add(header);
    if (target === 'email') plan.email = index;
    else if (target.startsWith('custom.')) plan.custom.push({ index, key: target.slice(7), type: customTypes.get(target.slice(7))! });
    else plan.fields.push({ index, target: target as ColumnPlan['fields'][number]['target'] });
  });
  return plan;
}

const cell = (record: string[], i: number) => {
  const v = record[i];
  return v === undefined || v === '' ? null : v.slice(0, 2000);
};

/**
 * Turns one CSV record into a staged row, or issues explaining why not. Duplicates within the
 * file are found later in SQL over the staged rows (a Set of a million addresses cost ~100 MB).
 */
export function mapRow(record: string[], rowNumber: number, plan: ColumnPlan): { row: StagedRow | null; issues: RowIssue[] } {
  const raw = cell(record, plan.email);
  const email = raw ? normalizeContactEmail(raw) : '';
  if (!email || !isValidEmail(email)) return { row: null, issues: [{ rowNumber, email: raw, reason: 'invalid_email', skipped: true, detail: raw ? `"${raw}" is not an email address` : 'no email' }] };

  const issues: RowIssue[] = [];
  const row: StagedRow = { rowNumber, email, firstName: null, lastName: null, company: null, title: null, phone: null, timeZone: null, tags: null, custom: null, isRoleAddress: isRoleAddress(email) };
  for (const { index, target } of plan.fields) {
    const value = cell(record, index);
    if (value === null) continue;
    if (target === 'tags') row.tags = [...new Set(value.split(/[,;|]/).map((t) => t.trim()).filter(Boolean))];
    else if (target === 'timeZone') {
      if (isValidTimeZone(value)) row.timeZone = value;
      else issues.push({ rowNumber, email, reason: 'invalid_field', skipped: false, detail: `timeZone "${value}" is not an IANA time zone; left empty` });
    } else row[target] = value;
  }
  for (const { index, key, type } of plan.custom) {
    const result = coerceCustom(type, cell(record, index));
    if ('error' in result) return { row: null, issues: [{ rowNumber, email, reason: 'invalid_field', skipped: true, detail: `${key} ${result.error}` }] };
    if (result.value !== null) (row.custom ??= {})[key] = result.value;
  }
  if (row.isRoleAddress) issues.push({ rowNumber, email, reason: 'role_address', skipped: false, detail: 'imported, flagged as a role address' });
  return { row, issues };
}
