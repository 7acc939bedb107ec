import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { campaignAudience, segments } from '../db/schema/index.js';
import { sqlArray } from '../db/sql-helpers.js';
import { compileSegmentFilter, segmentFilterSchema } from '../modules/contacts/segment-filter.js';
import { suppressedSql } from '../modules/contacts/suppressions.js';

/**
 * The contacts a campaign may email, as one predicate over `contacts`: in any of its lists or
 * segments, active, with an address, not suppressed. Null when the campaign has no audience.
 * Enrollment, the launch check and counts all use this, so they can never disagree.
 */
export async function audiencePredicate(db: Db, workspaceId: string, campaignId: string): Promise<SQL | null> {
  const rows = await db.select({ listId: campaignAudience.listId, segmentId: campaignAudience.segmentId, filter: segments.filter })
    .from(campaignAudience).leftJoin(segments, eq(segments.id, campaignAudience.segmentId))
    .where(eq(campaignAudience.campaignId, campaignId));
  const listIds = rows.flatMap((r) => (r.listId ? [r.listId] : []));
  const parts: SQL[] = [];
  if (listIds.length) parts.push(sql`contacts.id IN (SELECT lm.contact_id FROM list_members lm WHERE lm.list_id = ANY(${sqlArray(listIds, 'uuid')}))`);
  for (const r of rows) {
    if (!r.segmentId || !r.filter) continue;
    const parsed = segmentFilterSchema.safeParse(r.filter);
    if (parsed.success) parts.push(sql`(${compileSegmentFilter(parsed.data)})`);
  }
  if (!parts.length) return null;
  return sql`contacts.workspace_id = ${workspaceId} AND contacts.status = 'active' AND contacts.email IS NOT NULL
    AND (${sql.join(parts, sql` OR `)}) AND NOT ${suppressedSql()}`;
}
