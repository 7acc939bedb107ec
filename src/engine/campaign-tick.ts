import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { campaigns } from '../db/schema/index.js';
import { queryRows } from '../db/sql-helpers.js';
import type { Logger } from '../lib/logger.js';
import { enrollAudience } from './enroll.js';
import type { Config } from '../config.js';
import { resumeAllQuotaPaused } from '../modules/billing/quota.js';

/** How often running campaigns pick up new audience members and finished ones are closed. */
export const CAMPAIGN_TICK_CRON = '* * * * *';

/**
 * Once a minute: contacts added to a running campaign's lists or segments are enrolled, and a
 * campaign with nothing left to send (every message sent, failed, skipped or uncertain) is
 * marked finished.
 */
export async function tickCampaigns(deps: { db: Db; log: Logger; config?: Pick<Config, 'billing'> }, now: Date) {
  const running = await deps.db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.status, 'running'));
  for (const { id } of running) {
    const enrolled = await enrollAudience(deps, id, now);
    if (enrolled) deps.log.info({ campaignId: id, enrolled }, 'new audience members enrolled');
  }
  // A new month (or a plan change the webhook missed) gives quota back: messages that waited for it resume.
  if (deps.config?.billing) {
    const resumed = await resumeAllQuotaPaused(deps.db, deps.config.billing, now);
    if (resumed) deps.log.info({ resumed }, 'messages waiting for the monthly quota resumed');
  }
  return finishCampaigns(deps.db, now);
}

export async function finishCampaigns(db: Db, now: Date): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(db, sql`
    UPDATE campaigns c SET status = 'finished', finished_at = ${now.toISOString()}::timestamptz, updated_at = now()
    WHERE c.status = 'running'
      AND EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = c.id AND m.status IN ('scheduled', 'paused', 'sending'))
    RETURNING c.id`);
  return rows.map((r) => r.id);
}
