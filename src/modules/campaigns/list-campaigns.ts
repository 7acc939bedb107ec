import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns } from '../../db/schema/index.js';

/**
 * Every campaign of the workspace, newest first, each with its headline numbers. Each count is
 * an index lookup per campaign: enrollments and messages by campaign, replies through the
 * (workspace, type, campaign) index of contact_events. (Columns are spelled out: drizzle would
 * render them unqualified, and inside the subqueries "id" would mean the inner table's.)
 */
export async function listCampaigns(db: Db, workspaceId: string) {
  const rows = await db.select({
    c: campaigns,
    enrolled: sql<number>`(SELECT count(*)::int FROM enrollments e WHERE e.campaign_id = campaigns.id)`,
    sent: sql<number>`(SELECT count(*)::int FROM messages m WHERE m.campaign_id = campaigns.id AND m.status = 'sent')`,
    replied: sql<number>`(SELECT count(DISTINCT ev.message_id)::int FROM contact_events ev JOIN messages m ON m.id = ev.message_id
      WHERE ev.workspace_id = campaigns.workspace_id AND ev.type = 'replied' AND (ev.campaign_id = campaigns.id OR ev.campaign_id IS NULL) AND m.campaign_id = campaigns.id)`,
  }).from(campaigns).where(eq(campaigns.workspaceId, workspaceId)).orderBy(desc(campaigns.createdAt), desc(campaigns.id));
  return rows.map(({ c, enrolled, sent, replied }) => ({
    id: c.id, name: c.name, status: c.status,
    createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
    launchedAt: c.launchedAt?.toISOString() ?? null, finishedAt: c.finishedAt?.toISOString() ?? null,
    summary: { enrolled: Number(enrolled), sent: Number(sent), replied: Number(replied) },
  }));
}
