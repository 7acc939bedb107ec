import type {
  ContactEventType,
  ContactStatus,
  CustomField,
  CustomFieldType,
  SegmentCondition,
  SegmentFilter,
  TextConditionField,
} from '../../api/types';

/**
 * The editor works on drafts: flat strings a form can hold, with a stable uid per row. A draft
 * converts to the API's condition JSON when complete; incomplete rows are left out of the live
 * count and block saving.
 */
export interface RuleDraft {
  uid: string;
  kind: 'rule';
  /** "text:email", "status", "tag", "date:createdAt", "custom:plan", "engagement", "list". */
  field: string;
  op: string;
  value: string;
  /** Engagement: "within N days" (empty for any time). */
  days: string;
  /** Kept from a loaded segment so saving doesn't drop a campaign restriction the editor can't show. */
  campaignId?: string;
}

export interface GroupDraft {
  uid: string;
  kind: 'group';
  match: 'all' | 'any';
  children: ConditionDraft[];
}

export type ConditionDraft = RuleDraft | GroupDraft;

let counter = 0;
export const newUid = () => `c${++counter}`;

export const TEXT_FIELDS: { key: TextConditionField; label: string }[] = [
  { key: 'email', label: 'Email' },
  { key: 'firstName', label: 'First name' },
  { key: 'lastName', label: 'Last name' },
  { key: 'company', label: 'Company' },
  { key: 'title', label: 'Title' },
  { key: 'phone', label: 'Phone' },
  { key: 'timeZone', label: 'Time zone' },
  { key: 'source', label: 'Source' },
];

/** Read after "has" / "has not": "has not opened a message". */
export const ENGAGEMENT_EVENTS: { value: ContactEventType; label: string }[] = [
  { value: 'opened', label: 'opened a message' },
  { value: 'clicked', label: 'clicked a link' },
  { value: 'replied', label: 'replied' },
  { value: 'bounced', label: 'bounced' },
  { value: 'unsubscribed', label: 'unsubscribed' },
  { value: 'sent', label: 'been sent a message' },
  { value: 'delivered', label: 'had a message delivered' },
  { value: 'read', label: 'read a message (Messenger)' },
  { value: 'received', label: 'sent us a message' },
  { value: 'complained', label: 'marked a message as spam' },
];

export interface OperatorOption {
  value: string;
  label: string;
}

const TEXT_OPS: OperatorOption[] = [
  { value: 'contains', label: 'contains' },
  { value: 'not_contains', label: "doesn't contain" },
  { value: 'eq', label: 'is' },
  { value: 'neq', label: 'is not' },
  { value: 'starts_with', label: 'starts with' },
  { value: 'ends_with', label: 'ends with' },
  { value: 'in', label: 'is any of' },
  { value: 'is_empty', label: 'is empty' },
  { value: 'is_not_empty', label: 'is not empty' },
];
const NUMBER_OPS: OperatorOption[] = [
  { value: 'eq', label: 'equals' },
  { value: 'neq', label: "doesn't equal" },
  { value: 'gt', label: 'is greater than' },
  { value: 'gte', label: 'is at least' },
  { value: 'lt', label: 'is less than' },
  { value: 'lte', label: 'is at most' },
];
const CUSTOM_DATE_OPS: OperatorOption[] = [
  { value: 'after', label: 'is after' },
  { value: 'before', label: 'is before' },
];
const DATE_OPS: OperatorOption[] = [
  { value: 'within_days', label: 'is within the last' },
  { value: 'older_than_days', label: 'is more than' },
  { value: 'after', label: 'is after' },
  { value: 'before', label: 'is before' },
];

export type ValueKind = 'none' | 'text' | 'list-text' | 'number' | 'days' | 'date' | 'status' | 'tag' | 'event' | 'list';

export function customType(field: string, fields: CustomField[]): CustomFieldType {
  const key = field.slice('custom:'.length);
  return fields.find((f) => f.key === key)?.type ?? 'text';
}

export function operatorsFor(field: string, fields: CustomField[]): OperatorOption[] {
  if (field.startsWith('text:')) return TEXT_OPS;
  if (field === 'status')
    return [
      { value: 'eq', label: 'is' },
      { value: 'neq', label: 'is not' },
    ];
  if (field === 'tag')
    return [
      { value: 'has', label: 'has' },
      { value: 'not_has', label: "doesn't have" },
    ];
  if (field.startsWith('date:')) return DATE_OPS;
  if (field === 'engagement')
    return [
      { value: 'did', label: 'has' },
      { value: 'did_not', label: 'has not' },
    ];
  if (field === 'list')
    return [
      { value: 'in', label: 'is in' },
      { value: 'not_in', label: 'is not in' },
    ];
  if (field.startsWith('custom:')) {
    const type = customType(field, fields);
    if (type === 'number') return NUMBER_OPS;
    if (type === 'date') return CUSTOM_DATE_OPS;
    if (type === 'boolean')
      return [
        { value: 'is_true', label: 'is yes' },
        { value: 'is_false', label: 'is no' },
      ];
    return TEXT_OPS;
  }
  return [];
}

export function valueKind(rule: RuleDraft, fields: CustomField[]): ValueKind {
  const { field, op } = rule;
  if (op === 'is_empty' || op === 'is_not_empty' || op === 'is_true' || op === 'is_false') return 'none';
  if (field === 'status') return 'status';
  if (field === 'tag') return 'tag';
  if (field === 'engagement') return 'event';
  if (field === 'list') return 'list';
  if (field.startsWith('date:')) return op === 'within_days' || op === 'older_than_days' ? 'days' : 'date';
  if (field.startsWith('custom:')) {
    const type = customType(field, fields);
    if (type === 'number') return 'number';
    if (type === 'date') return 'date';
  }
  return op === 'in' ? 'list-text' : 'text';
}

/** A fresh rule for a field: its first operator and an empty (or sensible default) value. */
export function ruleFor(field: string, fields: CustomField[], uid = newUid()): RuleDraft {
  const op = operatorsFor(field, fields)[0]?.value ?? '';
  const rule: RuleDraft = { uid, kind: 'rule', field, op, value: '', days: '' };
  if (field === 'status') rule.value = 'active';
  if (field === 'engagement') rule.value = 'opened';
  if (field.startsWith('date:')) rule.value = '30';
  return rule;
}

export const emptyRule = () => ruleFor('text:email', []);
export const emptyGroup = (): GroupDraft => ({ uid: newUid(), kind: 'group', match: 'any', children: [emptyRule()] });

/** Changing the operator keeps the value when it still fits, clears it otherwise. */
export function withOperator(rule: RuleDraft, op: string, fields: CustomField[]): RuleDraft {
  const before = valueKind(rule, fields);
  const next = { ...rule, op };
  const after = valueKind(next, fields);
  if (before !== after) next.value = after === 'days' ? '30' : '';
  return next;
}

// Draft → API

const missingValue: Record<Exclude<ValueKind, 'none'>, string> = {
  text: 'Enter a value.',
  'list-text': 'Enter one or more values, separated by commas.',
  number: 'Enter a number.',
  days: 'Enter a number of days.',
  date: 'Pick a date.',
  status: 'Choose a status.',
  tag: 'Enter a tag.',
  event: 'Choose an activity.',
  list: 'Choose a list.',
};

const isDays = (value: string) => /^\d+$/.test(value) && Number(value) >= 0 && Number(value) <= 36500;
const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The API condition for a complete rule, or the reason it's incomplete. */
export function ruleToCondition(rule: RuleDraft, fields: CustomField[]): { condition: SegmentCondition } | { error: string } {
  const kind = valueKind(rule, fields);
  const value = rule.value.trim();
  if (kind !== 'none' && !value) return { error: missingValue[kind] };
  const [type, name] = rule.field.split(':') as [string, string | undefined];

  switch (type) {
    case 'text': {
      const field = name as TextConditionField;
      if (rule.op === 'in') {
        const values = value.split(',').map((v) => v.trim()).filter(Boolean);
        return values.length ? { condition: { type: 'text', field, op: 'in', value: values } } : { error: 'Enter one or more values, separated by commas.' };
      }
      return { condition: { type: 'text', field, op: rule.op as 'eq', ...(kind === 'none' ? {} : { value }) } };
    }
    case 'status':
      return { condition: { type: 'status', op: rule.op as 'eq' | 'neq', value: value as ContactStatus } };
    case 'tag':
      return value.length > 100 ? { error: 'Tags are at most 100 characters.' } : { condition: { type: 'tag', op: rule.op as 'has' | 'not_has', value } };
    case 'date': {
      const field = name as 'createdAt' | 'updatedAt';
      if (kind === 'days') return isDays(value) ? { condition: { type: 'date', field, op: rule.op as 'within_days', value: Number(value) } } : { error: 'Enter a number of days.' };
      return isDate(value) ? { condition: { type: 'date', field, op: rule.op as 'before', value } } : { error: 'Pick a date.' };
    }
    case 'custom': {
      const key = name ?? '';
      if (kind === 'none') return { condition: { type: 'custom', key, op: rule.op as 'is_true' } };
      if (kind === 'number') {
        const n = Number(value);
        return Number.isFinite(n) ? { condition: { type: 'custom', key, op: rule.op as 'gt', value: n } } : { error: 'Enter a number.' };
      }
      if (kind === 'date') return isDate(value) ? { condition: { type: 'custom', key, op: rule.op as 'before', value } } : { error: 'Pick a date.' };
      if (rule.op === 'in') return { condition: { type: 'custom', key, op: 'in', value: value.split(',').map((v) => v.trim()).filter(Boolean) } };
      return { condition: { type: 'custom', key, op: rule.op as 'eq', value } };
    }
    case 'engagement': {
      const days = rule.days.trim();
      if (days && !(isDays(days) && Number(days) >= 1 && Number(days) <= 3650)) return { error: 'Use a number of days between 1 and 3650, or leave it empty.' };
      return {
        condition: {
          type: 'engagement',
          event: value as ContactEventType,
          negate: rule.op === 'did_not',
          ...(days ? { withinDays: Number(days) } : {}),
          ...(rule.campaignId ? { campaignId: rule.campaignId } : {}),
        },
      };
    }
    case 'list':
      return { condition: { type: 'list', listId: value, negate: rule.op === 'not_in' } };
  }
  return { error: 'Choose a field.' };
}

export interface CompiledFilter {
  /** Complete conditions only: what the live count uses. */
  filter: SegmentFilter;
  /** Row uid → what's missing. */
  errors: Record<string, string>;
}

function compileList(drafts: ConditionDraft[], fields: CustomField[], errors: Record<string, string>): SegmentCondition[] {
  const out: SegmentCondition[] = [];
  for (const draft of drafts) {
    if (draft.kind === 'group') {
      const children = compileList(draft.children, fields, errors);
      if (draft.children.length === 0) errors[draft.uid] = 'Add a condition to this group, or remove it.';
      if (children.length > 0) out.push({ type: 'group', match: draft.match, conditions: children });
      continue;
    }
    const result = ruleToCondition(draft, fields);
    if ('error' in result) errors[draft.uid] = result.error;
    else out.push(result.condition);
  }
  return out;
}

export function compileFilter(match: 'all' | 'any', drafts: ConditionDraft[], fields: CustomField[]): CompiledFilter {
  const errors: Record<string, string> = {};
  return { filter: { match, conditions: compileList(drafts, fields, errors) }, errors };
}

// API → draft

function conditionToDrafts(condition: SegmentCondition): ConditionDraft[] {
  const base = { uid: newUid(), kind: 'rule' as const, days: '' };
  switch (condition.type) {
    case 'group':
      return [{ uid: newUid(), kind: 'group', match: condition.match, children: condition.conditions.flatMap(conditionToDrafts) }];
    case 'text': {
      const value = Array.isArray(condition.value) ? condition.value.join(', ') : (condition.value ?? '');
      return [{ ...base, field: `text:${condition.field}`, op: condition.op, value }];
    }
    case 'status': {
      const values = Array.isArray(condition.value) ? condition.value : [condition.value];
      if (condition.op === 'neq' || values.length === 1) return [{ ...base, field: 'status', op: condition.op === 'neq' ? 'neq' : 'eq', value: values[0] ?? 'active' }];
      // "status in [a, b]" reads as a group of alternatives in this editor.
      return [{ uid: newUid(), kind: 'group', match: 'any', children: values.map((value) => ({ ...base, uid: newUid(), field: 'status', op: 'eq', value })) }];
    }
    case 'tag':
      return [{ ...base, field: 'tag', op: condition.op, value: condition.value }];
    case 'date':
      return [{ ...base, field: `date:${condition.field}`, op: condition.op, value: String(condition.value).slice(0, 10) }];
    case 'custom': {
      const value = Array.isArray(condition.value) ? condition.value.join(', ') : condition.value === undefined ? '' : String(condition.value);
      return [{ ...base, field: `custom:${condition.key}`, op: condition.op, value: condition.op === 'before' || condition.op === 'after' ? value.slice(0, 10) : value }];
    }
    case 'engagement':
      return [
        {
          ...base,
          field: 'engagement',
          op: condition.negate ? 'did_not' : 'did',
          value: condition.event,
          days: condition.withinDays ? String(condition.withinDays) : '',
          campaignId: condition.campaignId,
        },
      ];
    case 'list':
      return [{ ...base, field: 'list', op: condition.negate ? 'not_in' : 'in', value: condition.listId }];
  }
}

export function filterToDrafts(filter: SegmentFilter): ConditionDraft[] {
  return filter.conditions.flatMap(conditionToDrafts);
}

/** Server field paths like "filter.conditions.1.conditions.0.value" → the uid of that row. */
export function uidForPath(path: string, drafts: ConditionDraft[]): string | null {
  const indices = [...path.matchAll(/conditions\.(\d+)/g)].map((m) => Number(m[1]));
  let list = drafts;
  let found: ConditionDraft | null = null;
  for (const index of indices) {
    found = list[index] ?? null;
    if (!found) return null;
    list = found.kind === 'group' ? found.children : [];
  }
  return found?.uid ?? null;
}
