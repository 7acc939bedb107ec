import type { CustomField, ImportIssue, ImportStatus } from '../../api/types';
import type { BadgeTone } from '../ui/Badge';
import { BUILTIN_FIELDS } from '../contacts/contactDisplay';

export const SKIP_COLUMN = '';

export interface TargetOption {
  value: string;
  label: string;
}

export function builtinTargets(): TargetOption[] {
  return BUILTIN_FIELDS.map((field) => ({ value: field.key, label: field.label }));
}

export function customTargets(fields: CustomField[]): TargetOption[] {
  return fields.map((field) => ({ value: `custom.${field.key}`, label: field.label }));
}

export function targetLabel(target: string, fields: CustomField[]): string {
  return [...builtinTargets(), ...customTargets(fields)].find((t) => t.value === target)?.label ?? target;
}

const reasonText: Record<string, string> = {
  invalid_email: 'Invalid email',
  duplicate_in_file: 'Duplicate in file',
  suppressed: 'Suppressed',
  role_address: 'Role address (imported, flagged)',
  exists: 'Already exists',
  invalid_field: 'Invalid field',
  malformed_row: 'Malformed row',
};

const reasonFallbackDetail: Record<string, string> = {
  invalid_email: 'The email cell is empty or not an address.',
  duplicate_in_file: 'An earlier row in the file has the same address.',
  suppressed: 'The address is on the suppression list, so it was not imported.',
  role_address: 'Addresses like info@ or sales@ reach a team rather than a person.',
  exists: 'A contact with this address already exists and was left unchanged.',
  invalid_field: 'A value could not be read for its field.',
  malformed_row: 'The row could not be read as CSV (quotes or column count).',
};

export function issueReason(issue: ImportIssue): string {
  return reasonText[issue.reason] ?? issue.reason.replace(/_/g, ' ');
}

export function issueDetail(issue: ImportIssue): string {
  // The server's note for role addresses repeats the reason; the explanation says more.
  if (issue.reason === 'role_address') return reasonFallbackDetail.role_address!;
  return issue.detail ?? reasonFallbackDetail[issue.reason] ?? '—';
}

export const importStatusLabel: Record<ImportStatus, string> = {
  uploaded: 'Waiting for mapping',
  queued: 'Queued',
  running: 'Importing',
  completed: 'Completed',
  failed: 'Failed',
};

export const importStatusTone: Record<ImportStatus, BadgeTone> = {
  uploaded: 'neutral',
  queued: 'accent',
  running: 'accent',
  completed: 'success',
  failed: 'danger',
};
