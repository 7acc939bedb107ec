import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaignSteps, messages, stepVariants } from '../../db/schema/index.js';
import { conflict, validationFailed, type FieldError } from '../../lib/problems.js';
import { loadSteps, type CampaignRow } from './get-campaign.js';
import type { StepInput } from './schemas.js';
import { DEFAULT_WEIGHT, defaultLabel } from './validate-campaign.js';

/** Statuses meaning the message may have reached the contact: its step is history. */
const WENT_OUT = ['sent', 'sending', 'uncertain'];
const WAITING = ['scheduled', 'paused'];

/**
 * Replaces the sequence wholesale. Items that pass an `id` keep it (and so their messages and
 * stats); the rest are created; steps and variants left out are removed.
 *
 * While the campaign runs (or is paused) the engine holds messages by step and variant, so:
 * a step with messages that went out cannot be removed; a step with any messages keeps its
 * position (positions are what enrollments count through); a variant with messages cannot be
 * removed (weight 0 retires it instead). Scheduled messages of a removed step are skipped.
 */
export async function replaceSteps(tx: Db, campaign: CampaignRow, steps: StepInput[]) {
  const current = await loadSteps(tx, campaign.id);
  const byId = new Map(current.map((s) => [s.id, s]));
  const unknown: FieldError[] = [];
  steps.forEach((step, i) => {
    const existing = step.id ? byId.get(step.id) : undefined;
    if (step.id && !existing) unknown.push({ field: `steps.${i}.id`, message: 'is not a step of this campaign' });
    step.variants.forEach((v, j) => {
      if (v.id && !existing?.variants.some((x) => x.id === v.id)) unknown.push({ field: `steps.${i}.variants.${j}.id`, message: 'is not a variant of this step' });
    });
  });
  if (unknown.length) throw validationFailed(unknown);

  const keptIds = new Set(steps.flatMap((s) => (s.id ? [s.id] : [])));
  const removed = current.filter((s) => !keptIds.has(s.id));
  if (campaign.status === 'running' || campaign.status === 'paused') await assertLiveEditAllowed(tx, campaign.id, current, removed, steps);

  if (removed.length) {
    const removedIds = removed.map((s) => s.id);
    // Skip what was waiting first: these row locks make a concurrent claim pass them by.
    await tx.update(messages).set({ status: 'skipped', reason: 'step removed from the campaign', updatedAt: new Date() })
      .where(and(eq(messages.campaignId, campaign.id), inArray(messages.stepId, removedIds), inArray(messages.status, WAITING as ['scheduled', 'paused'])));
    // A send may have been claimed between the check and the skip; then the step is history after all.
    const [raced] = await tx.select({ position: messages.stepPosition }).from(messages)
      .where(and(eq(messages.campaignId, campaign.id), inArray(messages.stepId, removedIds), inArray(messages.status, WENT_OUT as ['sent']))).limit(1);
    if (raced) throw conflict(`Step ${raced.position} has sent messages and cannot be removed.`, [{ field: 'steps', message: `step ${raced.position} has sent messages and cannot be removed` }]);
    await tx.delete(campaignSteps).where(inArray(campaignSteps.id, removedIds));
  }

  // Positions are unique per campaign: park the kept steps out of the way before renumbering.
  if (keptIds.size) await tx.update(campaignSteps).set({ position: sql`${campaignSteps.position} + 10000` }).where(eq(campaignSteps.campaignId, campaign.id));
  const now = new Date();
  for (const [i, step] of steps.entries()) {
    const position = i + 1;
    const delayMinutes = step.delayMinutes ?? (step.id ? byId.get(step.id)!.delayMinutes : position === 1 ? 0 : 3 * 24 * 60);
    let stepId = step.id;
    if (stepId) {
      await tx.update(campaignSteps).set({ position, delayMinutes, updatedAt: now }).where(eq(campaignSteps.id, stepId));
    } else {
      const [row] = await tx.insert(campaignSteps).values({ campaignId: campaign.id, position, delayMinutes }).returning({ id: campaignSteps.id });
      stepId = row!.id;
    }
    await saveVariants(tx, stepId, step, byId.get(stepId)?.variants.map((v) => v.id) ?? []);
  }
}

async function saveVariants(tx: Db, stepId: string, step: StepInput, existingIds: string[]) {
  const kept = new Set(step.variants.flatMap((v) => (v.id ? [v.id] : [])));
  const gone = existingIds.filter((id) => !kept.has(id));
  if (gone.length) await tx.delete(stepVariants).where(inArray(stepVariants.id, gone));
  for (const [j, v] of step.variants.entries()) {
    const values = { label: v.label ?? defaultLabel(j), subject: v.subject?.trim() ? v.subject : null, bodyText: v.bodyText, bodyHtml: v.bodyHtml?.trim() ? v.bodyHtml : null, weight: v.weight ?? DEFAULT_WEIGHT };
    if (v.id) await tx.update(stepVariants).set(values).where(eq(stepVariants.id, v.id));
    else await tx.insert(stepVariants).values({ stepId, ...values });
  }
}

async function assertLiveEditAllowed(tx: Db, campaignId: string, current: Awaited<ReturnType<typeof loadSteps>>, removed: typeof current, steps: StepInput[]) {
  // One pass over the campaign's messages: which steps and variants have messages, and in what state.
  const usage = await tx.selectDistinct({ stepId: messages.stepId, variantId: messages.variantId, status: messages.status }).from(messages).where(eq(messages.campaignId, campaignId));
  const wentOut = new Set(usage.filter((u) => WENT_OUT.includes(u.status)).map((u) => u.stepId));
  const hasMessages = new Set(usage.filter((u) => WENT_OUT.includes(u.status) || WAITING.includes(u.status)).map((u) => u.stepId));
  const variantInUse = new Set(usage.filter((u) => WENT_OUT.includes(u.status) || WAITING.includes(u.status)).map((u) => u.variantId));
  const errors: FieldError[] = [];
  for (const s of removed) {
    if (wentOut.has(s.id)) errors.push({ field: 'steps', message: `step ${s.position} has sent messages and cannot be removed` });
  }
  steps.forEach((step, i) => {
    const before = step.id ? current.find((s) => s.id === step.id) : undefined;
    if (!before) return;
    if (hasMessages.has(before.id) && before.position !== i + 1) {
      errors.push({ field: `steps.${i}`, message: `step ${before.position} has messages and must stay at position ${before.position}` });
    }
    const keptVariants = new Set(step.variants.flatMap((v) => (v.id ? [v.id] : [])));
    for (const v of before.variants) {
      if (!keptVariants.has(v.id) && variantInUse.has(v.id)) errors.push({ field: `steps.${i}.variants`, message: `variant ${v.label} of step ${before.position} has messages and cannot be removed; set its weight to 0 to stop using it` });
    }
  });
  if (errors.length) throw conflict(`The running campaign's sent steps cannot be removed or moved: ${errors.map((e) => e.message).join('; ')}.`, errors);
}
