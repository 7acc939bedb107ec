import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { campaigns, campaignSenders, campaignSteps } from '../db/schema/index.js';
import { queryRows } from '../db/sql-helpers.js';
import { audiencePredicate } from './audience.js';
import { nextWindowOpen, type SendingWindow } from './sending-window.js';

export const windowOf = (c: { timezone: string; sendDays: number[]; windowStartMinute: number; windowEndMinute: number }, timezone = c.timezone): SendingWindow =>
  ({ timezone, days: c.sendDays, startMinute: c.windowStartMinute, endMinute: c.windowEndMinute });

/**
 * Enrolls every audience contact not yet in a running campaign and schedules its first step at
 * the next open moment of the window (per contact time zone when the campaign asks). One
 * INSERT … SELECT for enrollments and one for messages: a million contacts never pass through
 * this process's memory. The unique (campaign, contact) key makes re-running it harmless.
 */
export async function enrollAudience(deps: { db: Db }, campaignId: string, now: Date): Promise<number> {
  const { db } = deps;
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!campaign || campaign.status !== 'running') return 0;
  const [firstStep] = await db.select().from(campaignSteps).where(and(eq(campaignSteps.campaignId, campaignId), eq(campaignSteps.position, 1))).orderBy(asc(campaignSteps.position));
  if (!firstStep) return 0;
  const audience = await audiencePredicate(db, campaign.workspaceId, campaignId);
  if (!audience) return 0;

  const start = campaign.startAt && campaign.startAt > now ? campaign.startAt : now;
  const campaignOpen = nextWindowOpen(windowOf(campaign), start);
  const zoneOpen: Record<string, string> = {};
  if (campaign.useContactTimezone) {
    const zones = await queryRows<{ tz: string }>(db, sql`SELECT DISTINCT contacts.time_zone AS tz FROM contacts WHERE ${audience} AND contacts.time_zone IS NOT NULL`);
    for (const { tz } of zones) {
      try {
        zoneOpen[tz] = nextWindowOpen(windowOf(campaign, tz), start).toISOString();
      } catch {
        // An unknown zone name on a contact: the campaign's own zone applies.
      }
    }
  }

  return db.transaction(async (tx) => {
    const inserted = await queryRows<{ n: number }>(tx, sql`
      WITH audience AS (
        SELECT contacts.id, contacts.time_zone FROM contacts WHERE ${audience}
      ), enrolled AS (
        INSERT INTO enrollments (workspace_id, campaign_id, contact_id)
        SELECT ${campaign.workspaceId}, ${campaignId}, audience.id FROM audience
        ON CONFLICT (campaign_id, contact_id) DO NOTHING
        RETURNING id, contact_id
      ), scheduled AS (
        INSERT INTO messages (workspace_id, campaign_id, enrollment_id, contact_id, step_position, step_id, send_at)
        SELECT ${campaign.workspaceId}, ${campaignId}, enrolled.id, enrolled.contact_id, 1, ${firstStep.id},
          COALESCE((${JSON.stringify(zoneOpen)}::jsonb ->> audience.time_zone)::timestamptz, ${campaignOpen.toISOString()}::timestamptz)
        FROM enrolled JOIN audience ON audience.id = enrolled.contact_id
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM scheduled`);
    // Pacing rows exist before the first claim locks them.
    await tx.execute(sql`INSERT INTO sender_pacing (sender_id, next_send_at)
      SELECT sender_id, ${now.toISOString()}::timestamptz FROM ${campaignSenders} WHERE campaign_id = ${campaignId}
      ON CONFLICT (sender_id) DO NOTHING`);
    return inserted[0]?.n ?? 0;
  });
}
