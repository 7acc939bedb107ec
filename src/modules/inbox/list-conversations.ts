import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/sql-helpers.js';
import { badRequest, fieldError } from '../../lib/problems.js';
import { conversationRowsSql, conversationView, type ConversationRow } from './conversation-rows.js';
import type { ListQuery } from './schemas.js';

/** timestamptz as PostgreSQL prints it, e.g. 2025-03-03 09:41:00.123456+00. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2}){0,2}|Z)?$/;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof at !== 'string' || !TIMESTAMP.test(at) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error();
    return [at, id];
  } catch {
    throw badRequest('The cursor is not valid; start again from the first page.', [{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}

const cursorAfter = (r: ConversationRow) => Buffer.from(JSON.stringify([r.last_message_at_key, r.id])).toString('base64url');

/** The WHERE of the inbox filters; `viewerUserId` is who "assignee=me" means. */
export function conversationFilterSql(workspaceId: string, f: Omit<ListQuery, 'cursor' | 'limit'>, viewerUserId: string | null): SQL {
  const parts: SQL[] = [sql`c.workspace_id = ${workspaceId}`];
  if (f.channel) parts.push(sql`c.channel = ${f.channel}`);
  if (f.senderId) parts.push(sql`c.sender_id = ${f.senderId}`);
  if (f.pageId) parts.push(sql`c.page_id = ${f.pageId}`);
  if (f.campaignId) parts.push(sql`c.campaign_id = ${f.campaignId}`);
  if (f.status) parts.push(sql`c.status = ${f.status}`);
  if (f.unread !== undefined) parts.push(f.unread ? sql`c.unread_count > 0` : sql`c.unread_count = 0`);
  if (f.label) parts.push(sql`${f.label} = ANY(c.labels)`);
  if (f.assignee === 'unassigned') parts.push(sql`c.assigned_user_id IS NULL`);
  else if (f.assignee === 'me') {
    if (!viewerUserId) throw fieldError('assignee', '"me" needs a signed-in user; an API key can name a user id');
    parts.push(sql`c.assigned_user_id = ${viewerUserId}`);
  } else if (f.assignee) parts.push(sql`c.assigned_user_id = ${f.assignee}`);
  if (f.q) {
    const like = '%' + escapeLike(f.q.toLowerCase()) + '%';
    parts.push(sql`(lower(coalesce(k.email, '') || ' ' || coalesce(k.first_name, '') || ' ' || coalesce(k.last_name, '')) LIKE ${like}
      OR lower(coalesce(c.subject, '')) LIKE ${like})`);
  }
  return sql.join(parts, sql` AND `);
}

/** The inbox, newest conversation first, keyset-paginated on (last_message_at, id). */
export async function listConversations(db: Db, workspaceId: string, q: ListQuery, viewerUserId: string | null) {
  const where = conversationFilterSql(workspaceId, q, viewerUserId);
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const keyset = after ? sql` AND (c.last_message_at, c.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``;
  const rows = await queryRows<ConversationRow>(db, conversationRowsSql(sql`${where}${keyset}`, sql`ORDER BY c.last_message_at DESC, c.id DESC LIMIT ${q.limit + 1}`));
  const page = rows.slice(0, q.limit);
  return { items: page.map(conversationView), nextCursor: rows.length > q.limit ? cursorAfter(page.at(-1)!) : null };
}
