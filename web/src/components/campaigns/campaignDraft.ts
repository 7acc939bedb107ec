import type { Campaign, CampaignUpdate, StepInput } from '../../api/campaigns';
import { isoToZonedDate, zonedMidnightToIso } from './timeZones';

/**
 * The editor works on a draft: the campaign's editable parts as the form holds them (numbers
 * as typed text, a start date rather than an instant). It becomes a PATCH body holding only
 * the parts that differ from what the server has.
 */

export interface VariantDraft {
  /** Stable React key; new variants have no server id yet. */
  key: string;
  id?: string;
  label: string;
  subject: string;
  bodyText: string;
  /** Shown (and saved) only while `htmlEnabled`. */
  bodyHtml: string;
  htmlEnabled: boolean;
  weight: string;
}

export interface StepDraft {
  key: string;
  id?: string;
  delayDays: string;
  delayHours: string;
  /** Minutes below an hour, set through the API: kept as they are. */
  delayExtraMinutes: number;
  variants: VariantDraft[];
}

export interface CampaignDraft {
  name: string;
  steps: StepDraft[];
  listIds: string[];
  segmentIds: string[];
  senderIds: string[];
  timezone: string;
  days: number[];
  startMinute: number;
  endMinute: number;
  useContactTimezone: boolean;
  /** YYYY-MM-DD in the campaign's time zone, or '' to start at launch. */
  startDate: string;
  /** The stored instant, kept while the start date is untouched (it may not be a midnight). */
  startAtSaved: string | null;
  dailyNewLimit: string;
  stopRules: Campaign['stopRules'];
  tracking: Campaign['tracking'];
}

/** Field errors keyed by the request path the server names: "steps.0.variants.1.subject". */
export type DraftErrors = Record<string, string>;

let keySeq = 0;
export const newKey = () => `k${++keySeq}`;

export const variantLabel = (index: number) => String.fromCharCode(65 + (index % 26));

export function emptyVariant(label: string, weight = '50'): VariantDraft {
  return { key: newKey(), label, subject: '', bodyText: '', bodyHtml: '', htmlEnabled: false, weight };
}

export function emptyStep(isFirst: boolean): StepDraft {
  return { key: newKey(), delayDays: isFirst ? '0' : '3', delayHours: '0', delayExtraMinutes: 0, variants: [emptyVariant('A')] };
}

export function toDraft(campaign: Campaign): CampaignDraft {
  const { schedule } = campaign;
  return {
    name: campaign.name,
    steps: campaign.steps.map((step) => ({
      key: step.id,
      id: step.id,
      delayDays: String(Math.floor(step.delayMinutes / 1440)),
      delayHours: String(Math.floor((step.delayMinutes % 1440) / 60)),
      delayExtraMinutes: step.delayMinutes % 60,
      variants: step.variants.map((v) => ({
        key: v.id,
        id: v.id,
        label: v.label,
        subject: v.subject ?? '',
        bodyText: v.bodyText,
        bodyHtml: v.bodyHtml ?? '',
        htmlEnabled: v.bodyHtml !== null,
        weight: String(v.weight),
      })),
    })),
    listIds: [...campaign.audience.listIds].sort(),
    segmentIds: [...campaign.audience.segmentIds].sort(),
    senderIds: [...campaign.senderIds].sort(),
    timezone: schedule.timezone,
    days: [...schedule.days].sort((a, b) => a - b),
    startMinute: schedule.startMinute,
    endMinute: schedule.endMinute,
    useContactTimezone: schedule.useContactTimezone,
    startDate: schedule.startAt ? isoToZonedDate(schedule.startAt, schedule.timezone) : '',
    startAtSaved: schedule.startAt,
    dailyNewLimit: campaign.dailyNewLimit === null ? '' : String(campaign.dailyNewLimit),
    stopRules: { ...campaign.stopRules },
    tracking: { ...campaign.tracking },
  };
}

const toInt = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : NaN);

export function delayMinutes(step: StepDraft): number {
  return toInt(step.delayDays || '0') * 1440 + toInt(step.delayHours || '0') * 60 + step.delayExtraMinutes;
}

/** What the form can tell before a round trip; the server checks the rest (templates, ownership). */
export function validateDraft(draft: CampaignDraft): DraftErrors {
  const errors: DraftErrors = {};
  if (!draft.name.trim()) errors.name = 'Give the campaign a name.';
  draft.steps.forEach((step, i) => {
    const at = `steps.${i}`;
    if (i > 0) {
      const days = toInt(step.delayDays || '0');
      const hours = toInt(step.delayHours || '0');
      if (Number.isNaN(days) || days > 365) errors[`${at}.delayMinutes`] = 'Enter whole days, 0 to 365.';
      else if (Number.isNaN(hours) || hours > 23) errors[`${at}.delayMinutes`] = 'Enter whole hours, 0 to 23.';
    }
    const labels = new Set<string>();
    step.variants.forEach((v, j) => {
      const vat = `${at}.variants.${j}`;
      const weight = toInt(v.weight);
      if (Number.isNaN(weight) || weight > 100) errors[`${vat}.weight`] = 'Enter a weight from 0 to 100.';
      const label = v.label.trim();
      if (!label) errors[`${vat}.label`] = 'Give the variant a label.';
      else if (labels.has(label.toLowerCase())) errors[`${vat}.label`] = `"${label}" is already used by another variant of this step.`;
      labels.add(label.toLowerCase());
      if (/[\r\n]/.test(v.subject)) errors[`${vat}.subject`] = 'Keep the subject on one line.';
      // Later steps may leave it empty: they reply in the first email's thread ("Re: …").
      else if (i === 0 && !v.subject.trim()) errors[`${vat}.subject`] = 'The first email needs a subject.';
    });
    if (!errors[`${at}.variants.0.weight`] && step.variants.every((v) => toInt(v.weight) === 0)) {
      errors[`${at}.variants`] = 'At least one variant needs a weight above 0, or nobody gets this step.';
    }
  });
  if (draft.days.length === 0) errors['schedule.days'] = 'Pick at least one day to send on.';
  if (draft.startMinute >= draft.endMinute) errors['schedule.endMinute'] = 'The window must end after it starts.';
  if (draft.dailyNewLimit.trim()) {
    const limit = toInt(draft.dailyNewLimit);
    if (Number.isNaN(limit) || limit < 1 || limit > 1_000_000) errors.dailyNewLimit = 'Enter a whole number from 1 to 1,000,000, or leave it empty for no limit.';
  }
  return errors;
}

function stepsInput(draft: CampaignDraft): StepInput[] {
  return draft.steps.map((step, i) => ({
    ...(step.id ? { id: step.id } : {}),
    delayMinutes: i === 0 ? 0 : delayMinutes(step),
    variants: step.variants.map((v) => ({
      ...(v.id ? { id: v.id } : {}),
      label: v.label.trim(),
      subject: v.subject.trim() ? v.subject : null,
      bodyText: v.bodyText,
      bodyHtml: v.htmlEnabled && v.bodyHtml.trim() ? v.bodyHtml : null,
      weight: toInt(v.weight),
    })),
  }));
}

function startAt(draft: CampaignDraft): string | null {
  if (!draft.startDate) return null;
  if (draft.startAtSaved && isoToZonedDate(draft.startAtSaved, draft.timezone) === draft.startDate) return draft.startAtSaved;
  return zonedMidnightToIso(draft.startDate, draft.timezone);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Keys and React-only fields left out, so two drafts of the same campaign compare equal. */
function comparable(draft: CampaignDraft) {
  return {
    name: draft.name,
    steps: draft.steps.map((s, i) => ({
      id: s.id,
      delay: i === 0 ? 0 : `${s.delayDays}|${s.delayHours}|${s.delayExtraMinutes}`,
      variants: s.variants.map((v) => ({ ...v, key: undefined, bodyHtml: v.htmlEnabled ? v.bodyHtml : '' })),
    })),
    audience: { listIds: [...draft.listIds].sort(), segmentIds: [...draft.segmentIds].sort() },
    senderIds: [...draft.senderIds].sort(),
    schedule: [draft.timezone, [...draft.days].sort(), draft.startMinute, draft.endMinute, draft.useContactTimezone, draft.startDate],
    dailyNewLimit: draft.dailyNewLimit.trim(),
    stopRules: draft.stopRules,
    tracking: draft.tracking,
  };
}

export const isDirty = (draft: CampaignDraft, saved: CampaignDraft) => !same(comparable(draft), comparable(saved));

/** The PATCH body: only the parts that changed, so a running campaign's untouched sequence is left alone. */
export function toUpdate(draft: CampaignDraft, saved: CampaignDraft): CampaignUpdate {
  const now = comparable(draft);
  const before = comparable(saved);
  const update: CampaignUpdate = {};
  if (now.name !== before.name) update.name = draft.name.trim();
  if (!same(now.steps, before.steps)) update.steps = stepsInput(draft);
  if (!same(now.audience, before.audience)) update.audience = now.audience;
  if (!same(now.senderIds, before.senderIds)) update.senderIds = now.senderIds;
  if (!same(now.schedule, before.schedule)) {
    update.schedule = {
      timezone: draft.timezone,
      days: [...draft.days].sort((a, b) => a - b),
      startMinute: draft.startMinute,
      endMinute: draft.endMinute,
      useContactTimezone: draft.useContactTimezone,
      startAt: startAt(draft),
    };
  }
  if (now.dailyNewLimit !== before.dailyNewLimit) update.dailyNewLimit = now.dailyNewLimit ? toInt(now.dailyNewLimit) : null;
  if (!same(now.stopRules, before.stopRules)) update.stopRules = draft.stopRules;
  if (!same(now.tracking, before.tracking)) update.tracking = draft.tracking;
  return update;
}

/** "steps[1].variants[0].bodyText", "/steps/1/…" and "body.steps.1…" all become "steps.1.variants.0.bodyText". */
export function normalizePath(field: string): string {
  return field
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\//g, '.')
    .replace(/^\.+|^body\./g, '')
    .replace(/\.+/g, '.');
}

export type EditorSection = 'sequence' | 'audience' | 'senders' | 'schedule' | 'options';

/** Which editor tab shows the field a server error names. */
export function sectionOf(path: string): EditorSection | null {
  const root = path.split('.')[0];
  if (root === 'steps') return 'sequence';
  if (root === 'audience') return 'audience';
  if (root === 'senderIds') return 'senders';
  if (root === 'schedule' || root === 'dailyNewLimit') return 'schedule';
  if (root === 'name' || root === 'stopRules' || root === 'tracking') return 'options';
  return null;
}

/** Server messages are fragments ("is required on the first step"); under a field they read as sentences. */
export function asSentence(subject: string, message: string): string {
  const text = message.trim();
  const sentence = /^[a-z]/.test(text) ? `${subject} ${text}` : text;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

const FIELD_NAMES: Record<string, string> = {
  subject: 'Subject',
  bodyText: 'Plain-text body',
  bodyHtml: 'HTML body',
  label: 'Label',
  weight: 'Weight',
  delayMinutes: 'Delay',
  variants: 'This step',
  id: 'This item',
  timezone: 'Time zone',
  days: 'Sending days',
  startMinute: 'Start time',
  endMinute: 'End time',
  startAt: 'Start date',
  useContactTimezone: 'This setting',
  dailyNewLimit: 'The daily limit',
  name: 'Name',
  listIds: 'This list',
  segmentIds: 'This segment',
  senderIds: 'This account',
};

/** The subject a fragment needs, from the path's last named segment ("steps.0.variants.1.subject" → "Subject"). */
export function subjectOf(path: string): string {
  const named = path.split('.').filter((part) => !/^\d+$/.test(part));
  return FIELD_NAMES[named.at(-1) ?? ''] ?? 'This field';
}

/** Errors for one path and everything under it (a step card shows its variants' errors too). */
export function errorsUnder(errors: DraftErrors, prefix: string): string[] {
  return Object.entries(errors)
    .filter(([path]) => path === prefix || path.startsWith(`${prefix}.`))
    .map(([, message]) => message);
}

/** Removes the errors at and under `prefix`, once the user edits that part. */
export function clearErrors(errors: DraftErrors, prefix: string): DraftErrors {
  const next: DraftErrors = {};
  let changed = false;
  for (const [path, message] of Object.entries(errors)) {
    if (path === prefix || path.startsWith(`${prefix}.`)) changed = true;
    else next[path] = message;
  }
  return changed ? next : errors;
}
