import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { lists, segments, senderAccounts } from '../../db/schema/index.js';
import { validateTemplate } from '../../lib/templates.js';
import type { FieldError } from '../../lib/problems.js';
import type { StepInput, UpdateCampaignInput } from './schemas.js';

/**
 * Checks that go beyond the request schema: templates compile, the first step has a subject,
 * splits have a live variant, and every referenced account, list and segment is this
 * workspace's. Returns every problem at once, each naming its field.
 */
export async function campaignInputErrors(db: Db, workspaceId: string, input: UpdateCampaignInput): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (input.steps) errors.push(...stepErrors(input.steps));
  if (input.senderIds) errors.push(...(await foreignIds(db, workspaceId, 'senders', input.senderIds, 'senderIds', 'is not a sending account of this workspace')));
  if (input.audience?.listIds) errors.push(...(await foreignIds(db, workspaceId, 'lists', input.audience.listIds, 'audience.listIds', 'is not a list of this workspace')));
  if (input.audience?.segmentIds) errors.push(...(await foreignIds(db, workspaceId, 'segments', input.audience.segmentIds, 'audience.segmentIds', 'is not a segment of this workspace')));
  return errors;
}

export const defaultLabel = (index: number) => String.fromCharCode(65 + index);
/** Variants without a weight split evenly. */
export const DEFAULT_WEIGHT = 50;

export function stepErrors(steps: StepInput[]): FieldError[] {
  const errors: FieldError[] = [];
  const stepIds = new Set<string>();
  const variantIds = new Set<string>();
  steps.forEach((step, i) => {
    const at = `steps.${i}`;
    if (step.id) {
      if (stepIds.has(step.id)) errors.push({ field: `${at}.id`, message: 'appears twice in the sequence' });
      stepIds.add(step.id);
    }
    if (!step.variants.some((v) => (v.weight ?? DEFAULT_WEIGHT) > 0)) errors.push({ field: `${at}.variants`, message: 'needs at least one variant with a weight above 0' });
    const labels = new Set<string>();
    step.variants.forEach((v, j) => {
      const vat = `${at}.variants.${j}`;
      if (v.id) {
        if (variantIds.has(v.id)) errors.push({ field: `${vat}.id`, message: 'appears twice in the sequence' });
        variantIds.add(v.id);
      }
      const label = v.label ?? defaultLabel(j);
      if (labels.has(label.toLowerCase())) errors.push({ field: `${vat}.label`, message: `"${label}" is already used by another variant of this step` });
      labels.add(label.toLowerCase());
      if (i === 0 && !v.subject?.trim()) errors.push({ field: `${vat}.subject`, message: 'is required on the first step' });
      for (const [key, source] of [['subject', v.subject], ['bodyText', v.bodyText], ['bodyHtml', v.bodyHtml]] as const) {
        const problem = source ? validateTemplate(source) : null;
        if (problem) errors.push({ field: `${vat}.${key}`, message: `is not a valid template: ${problem}` });
      }
    });
  });
  return errors;
}

const TABLES = { senders: senderAccounts, lists, segments } as const;

async function foreignIds(db: Db, workspaceId: string, table: keyof typeof TABLES, ids: string[], field: string, message: string): Promise<FieldError[]> {
  if (!ids.length) return [];
  const t = TABLES[table];
  const found = new Set((await db.select({ id: t.id }).from(t).where(and(eq(t.workspaceId, workspaceId), inArray(t.id, ids)))).map((r) => r.id));
  return ids.flatMap((id, i) => (found.has(id) ? [] : [{ field: `${field}.${i}`, message }]));
}
