import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaignAudience, campaigns, campaignSenders } from '../../db/schema/index.js';
import type { FieldError } from '../../lib/problems.js';
import type { CampaignRow } from './get-campaign.js';
import type { UpdateCampaignInput } from './schemas.js';

type Columns = Partial<typeof campaigns.$inferInsert>;

/** Defaults of a new campaign: Mon–Fri 9:00–17:00 UTC, stop on reply, opens and clicks tracked. */
export const DEFAULT_SETTINGS = {
  timezone: 'UTC', sendDays: [1, 2, 3, 4, 5], windowStartMinute: 9 * 60, windowEndMinute: 17 * 60, useContactTimezone: false, startAt: null,
  dailyNewLimit: null, stopOnReply: true, stopOnClick: false, stopOnDomainReply: false, trackOpens: true, trackClicks: true,
} satisfies Columns;

type Current = Pick<CampaignRow, 'windowStartMinute' | 'windowEndMinute'>;

/** Maps the (partial) input onto columns, checking the window against the values it keeps. */
export function settingsColumns(current: Current, input: UpdateCampaignInput): { columns: Columns; errors: FieldError[] } {
  const cols: Columns = {};
  const errors: FieldError[] = [];
  if (input.name !== undefined) cols.name = input.name;
  const s = input.schedule;
  if (s) {
    if (s.timezone !== undefined) cols.timezone = canonicalZone(s.timezone);
    if (s.days !== undefined) cols.sendDays = [...s.days].sort((a, b) => a - b);
    if (s.startMinute !== undefined) cols.windowStartMinute = s.startMinute;
    if (s.endMinute !== undefined) cols.windowEndMinute = s.endMinute;
    if (s.useContactTimezone !== undefined) cols.useContactTimezone = s.useContactTimezone;
    if (s.startAt !== undefined) cols.startAt = s.startAt === null ? null : new Date(s.startAt);
    const start = cols.windowStartMinute ?? current.windowStartMinute;
    const end = cols.windowEndMinute ?? current.windowEndMinute;
    if (start >= end) errors.push({ field: 'schedule.endMinute', message: `must be after startMinute (${start})` });
  }
  if (input.dailyNewLimit !== undefined) cols.dailyNewLimit = input.dailyNewLimit;
  const r = input.stopRules;
  if (r?.onReply !== undefined) cols.stopOnReply = r.onReply;
  if (r?.onClick !== undefined) cols.stopOnClick = r.onClick;
  if (r?.onDomainReply !== undefined) cols.stopOnDomainReply = r.onDomainReply;
  if (input.tracking?.opens !== undefined) cols.trackOpens = input.tracking.opens;
  if (input.tracking?.clicks !== undefined) cols.trackClicks = input.tracking.clicks;
  return { columns: cols, errors };
}

/** "europe/berlin" and "Europe/Berlin" are the same zone to Intl; store the spelling it reports. */
function canonicalZone(tz: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
}

export async function replaceSenders(tx: Db, campaignId: string, senderIds: string[]) {
  await tx.delete(campaignSenders).where(eq(campaignSenders.campaignId, campaignId));
  const unique = [...new Set(senderIds)];
  if (unique.length) await tx.insert(campaignSenders).values(unique.map((senderId) => ({ campaignId, senderId })));
}

export async function replaceAudience(tx: Db, campaignId: string, audience: { listIds: string[]; segmentIds: string[] }) {
  await tx.delete(campaignAudience).where(eq(campaignAudience.campaignId, campaignId));
  const rows = [
    ...[...new Set(audience.listIds)].map((listId) => ({ campaignId, listId })),
    ...[...new Set(audience.segmentIds)].map((segmentId) => ({ campaignId, segmentId })),
  ];
  if (rows.length) await tx.insert(campaignAudience).values(rows);
}
