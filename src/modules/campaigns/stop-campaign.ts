import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns, enrollments } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';
import { conflict } from '../../lib/problems.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { campaignView, findCampaign } from './get-campaign.js';

export const STOP_REASON = 'campaign stopped';

/**
 * Running or paused → stopped, for good: every message still waiting is skipped with the reason
 * and active enrollments stop, in one transaction. A send already in flight finishes and is
 * recorded by the engine as usual.
 */
export async function stopCampaign(db: Db, actor: Actor, workspaceId: string, id: string) {
  const row = await findCampaign(db, workspaceId, id);
  const result = await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const now = new Date();
    const [stopped] = await t.update(campaigns).set({ status: 'stopped', updatedAt: now })
      .where(and(eq(campaigns.id, id), eq(campaigns.workspaceId, workspaceId), inArray(campaigns.status, ['running', 'paused']))).returning();
    if (!stopped) return null;
    // Counted in SQL: a large campaign can have a million waiting messages.
    const [skipped] = await queryRows<{ n: number }>(t, sql`WITH s AS (
      UPDATE messages SET status = 'skipped', reason = ${STOP_REASON}, updated_at = ${now.toISOString()}::timestamptz
      WHERE campaign_id = ${id} AND status IN ('scheduled', 'paused') RETURNING 1) SELECT count(*)::int AS n FROM s`);
    await t.update(enrollments).set({ status: 'stopped', stopReason: STOP_REASON, updatedAt: now })
      .where(and(eq(enrollments.campaignId, id), eq(enrollments.status, 'active')));
    return { stopped, skipped: Number(skipped?.n ?? 0) };
  });
  if (!result) throw conflict(`This campaign is ${row.status}; only a running or paused campaign can be stopped.`);
  await recordAudit(db, actor, { workspaceId, action: 'campaign.stopped', targetType: 'campaign', targetId: id, metadata: { skippedMessages: result.skipped } });
  return campaignView(db, result.stopped);
}
