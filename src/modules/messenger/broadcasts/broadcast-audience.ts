import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { queryRows } from '../../../db/sql-helpers.js';
import { compileSegmentFilter, segmentFilterSchema } from '../../contacts/segment-filter.js';
import { getList, getSegment } from '../../contacts/lists.js';
import { fieldError } from '../../../lib/problems.js';
import type { PageRow } from '../pages.js';

export interface AudienceSource {
  segmentId?: string | null;
  listId?: string | null;
}

export interface AudienceMember {
  contactId: string;
  /** The person's last message in their conversation with this page: the window is counted from it. */
  lastInboundAt: Date | null;
}

/** The segment's predicate or list membership, checked to belong to the workspace (another workspace's is 404). */
async function sourcePredicate(db: Db, workspaceId: string, source: AudienceSource): Promise<SQL> {
  if (source.segmentId) {
    const segment = await getSegment(db, workspaceId, source.segmentId);
    const filter = segmentFilterSchema.safeParse(segment.filter);
    if (!filter.success) throw fieldError('segmentId', 'this segment\'s filter is no longer valid; open it and save it again');
    return compileSegmentFilter(filter.data);
  }
  await getList(db, workspaceId, source.listId!);
  return sql`contacts.id IN (SELECT lm.contact_id FROM list_members lm WHERE lm.list_id = ${source.listId})`;
}

/**
 * A broadcast's audience: active contacts of the segment or list who are Messenger subscribers of
 * this page (the page's Facebook id and a PSID), each with when they last wrote to the page.
 * The segment SQL names `contacts` unaliased, so the table keeps its name here.
 */
export async function broadcastAudience(db: Db, page: PageRow, source: AudienceSource): Promise<AudienceMember[]> {
  const predicate = await sourcePredicate(db, page.workspaceId, source);
  const rows = await queryRows<{ id: string; last_inbound_at: Date | string | null }>(db, sql`
    SELECT contacts.id, conv.last_inbound_at
    FROM contacts
    LEFT JOIN conversations conv ON conv.workspace_id = contacts.workspace_id
      AND conv.thread_key = 'messenger:' || ${page.id}::text || ':' || contacts.id::text
    WHERE contacts.workspace_id = ${page.workspaceId} AND contacts.status = 'active'
      AND contacts.messenger_page_id = ${page.pageId} AND contacts.messenger_psid IS NOT NULL
      AND (${predicate})
    ORDER BY contacts.id`);
  return rows.map((r) => ({ contactId: r.id, lastInboundAt: r.last_inbound_at ? new Date(r.last_inbound_at) : null }));
}
