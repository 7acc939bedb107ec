import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sqlArray } from '../db/sql-helpers.js';

/** "Reconnect needed": the inbox's queued follow-ups wait as 'paused' (not failed) until it is reconnected. */
export async function pauseSenderMessages(db: Db, senderId: string, reason: string) {
  await db.execute(sql`UPDATE messages SET status = 'paused', reason = ${reason}, updated_at = now() WHERE sender_id = ${senderId} AND status = 'scheduled'`);
}

/**
 * After a reconnect or resume: the inbox's paused messages, and first steps paused because their
 * campaign had no usable inbox, go back to the queue.
 */
export async function resumeSenderMessages(db: Db, senderId: string) {
  await db.execute(sql`UPDATE messages m SET status = 'scheduled', reason = NULL, updated_at = now()
    WHERE m.status = 'paused' AND (m.sender_id = ${senderId}
      OR (m.sender_id IS NULL AND m.campaign_id IN (SELECT campaign_id FROM campaign_senders WHERE sender_id = ${senderId})))
      AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = m.campaign_id AND c.status = 'running')`);
}

/** Resuming a campaign puts the messages the claim paused for it back in the queue. */
export async function resumeCampaignMessages(db: Db, campaignIds: string[]) {
  await db.execute(sql`UPDATE messages SET status = 'scheduled', reason = NULL, updated_at = now()
    WHERE campaign_id = ANY(${sqlArray(campaignIds, 'uuid')}) AND status = 'paused'`);
}
