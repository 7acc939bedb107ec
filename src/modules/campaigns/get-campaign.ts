import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaignAudience, campaigns, campaignSenders, campaignSteps, stepVariants } from '../../db/schema/index.js';
import { conflict, notFound } from '../../lib/problems.js';
import type { CampaignView } from './schemas.js';

export type CampaignRow = typeof campaigns.$inferSelect;

/** The campaign row, scoped to the workspace: another workspace's campaign is simply not found. */
export async function findCampaign(db: Db, workspaceId: string, id: string): Promise<CampaignRow> {
  const [row] = await db.select().from(campaigns).where(and(eq(campaigns.id, id), eq(campaigns.workspaceId, workspaceId)));
  if (!row) throw notFound('Campaign');
  return row;
}

/** Stopped and finished campaigns are history: nothing about them changes any more. */
export function assertEditable(row: CampaignRow) {
  if (row.status === 'stopped' || row.status === 'finished') throw conflict(`This campaign is ${row.status} and can no longer be changed; duplicate it to run it again.`);
}

export interface StepWithVariants {
  id: string;
  position: number;
  delayMinutes: number;
  variants: { id: string; label: string; subject: string | null; bodyText: string; bodyHtml: string | null; weight: number }[];
}

export async function loadSteps(db: Db, campaignId: string): Promise<StepWithVariants[]> {
  const steps = await db.select().from(campaignSteps).where(eq(campaignSteps.campaignId, campaignId)).orderBy(asc(campaignSteps.position));
  if (!steps.length) return [];
  const variants = await db.select().from(stepVariants).where(inArray(stepVariants.stepId, steps.map((s) => s.id))).orderBy(asc(stepVariants.label), asc(stepVariants.createdAt));
  return steps.map((s) => ({
    id: s.id, position: s.position, delayMinutes: s.delayMinutes,
    variants: variants.filter((v) => v.stepId === s.id).map((v) => ({ id: v.id, label: v.label, subject: v.subject, bodyText: v.bodyText, bodyHtml: v.bodyHtml, weight: v.weight })),
  }));
}

export async function campaignView(db: Db, row: CampaignRow): Promise<CampaignView> {
  const [senders, audience, steps] = await Promise.all([
    db.select({ id: campaignSenders.senderId }).from(campaignSenders).where(eq(campaignSenders.campaignId, row.id)),
    db.select().from(campaignAudience).where(eq(campaignAudience.campaignId, row.id)),
    loadSteps(db, row.id),
  ]);
  return {
    id: row.id, name: row.name, status: row.status,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
    launchedAt: row.launchedAt?.toISOString() ?? null, finishedAt: row.finishedAt?.toISOString() ?? null,
    schedule: {
      timezone: row.timezone, days: [...row.sendDays].sort((a, b) => a - b), startMinute: row.windowStartMinute, endMinute: row.windowEndMinute,
      useContactTimezone: row.useContactTimezone, startAt: row.startAt?.toISOString() ?? null,
    },
    dailyNewLimit: row.dailyNewLimit,
    stopRules: { onReply: row.stopOnReply, onClick: row.stopOnClick, onDomainReply: row.stopOnDomainReply },
    tracking: { opens: row.trackOpens, clicks: row.trackClicks },
    senderIds: senders.map((s) => s.id).sort(),
    audience: {
      listIds: audience.flatMap((a) => (a.listId ? [a.listId] : [])).sort(),
      segmentIds: audience.flatMap((a) => (a.segmentId ? [a.segmentId] : [])).sort(),
    },
    steps,
  };
}

export async function getCampaign(db: Db, workspaceId: string, id: string): Promise<CampaignView> {
  return campaignView(db, await findCampaign(db, workspaceId, id));
}
