import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { MessageStatus } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';
import { badRequest } from '../../lib/problems.js';
import { findCampaign } from './get-campaign.js';

export interface MessageFilter {
  status?: MessageStatus;
  step?: number;
}

interface Row {
  id: string; contact_id: string; email: string | null; step_position: number; variant_label: string | null; sender_email: string | null;
  status: MessageStatus; send_at: string; sent_at: string | null; reason: string | null; attempts: number;
  /** send_at as text at full precision, for the cursor. */
  send_at_key: string;
  /** Report extras (with `flags`). */
  first_name?: string | null; last_name?: string | null; company?: string | null;
  opened?: boolean; clicked?: boolean; replied?: boolean;
}

export const messageView = (r: Row) => ({
  id: r.id, contactId: r.contact_id, email: r.email, stepPosition: r.step_position, variantLabel: r.variant_label, senderEmail: r.sender_email,
  status: r.status, sendAt: new Date(r.send_at).toISOString(), sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null, reason: r.reason, attempts: r.attempts,
});

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof at !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) throw new Error();
    return [at, id];
  } catch {
    throw badRequest('The cursor is not valid; start again from the first page.', [{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}

/**
 * One page of a campaign's messages in (send_at, id) order, after the keyset `cursor`. With
 * `flags`, each row also says whether it was opened, clicked or replied to (for the CSV report).
 */
export async function messageRows(db: Db, workspaceId: string, campaignId: string, q: MessageFilter & { cursor?: string; limit: number; flags?: boolean; byId?: string }): Promise<Row[]> {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const flags = q.flags ? sql`, c.first_name, c.last_name, c.company,
    EXISTS (SELECT 1 FROM tracking_events t WHERE t.message_id = m.id AND t.kind = 'open' AND NOT t.automated) AS opened,
    EXISTS (SELECT 1 FROM tracking_events t WHERE t.message_id = m.id AND t.kind = 'click' AND NOT t.automated) AS clicked,
    EXISTS (SELECT 1 FROM contact_events e WHERE e.contact_id = m.contact_id AND e.message_id = m.id AND e.type = 'replied') AS replied` : sql``;
  return queryRows<Row>(db, sql`
    SELECT m.id, m.contact_id, coalesce(m.to_email, c.email) AS email, m.step_position, v.label AS variant_label, s.email AS sender_email,
      m.status, m.send_at, m.sent_at, m.reason, m.attempts, m.send_at::text AS send_at_key ${flags}
    FROM messages m
    JOIN contacts c ON c.id = m.contact_id
    LEFT JOIN step_variants v ON v.id = m.variant_id
    LEFT JOIN sender_accounts s ON s.id = m.sender_id
    WHERE m.campaign_id = ${campaignId} AND m.workspace_id = ${workspaceId}
      ${q.status ? sql`AND m.status = ${q.status}` : sql``}
      ${q.step ? sql`AND m.step_position = ${q.step}` : sql``}
      ${q.byId ? sql`AND m.id = ${q.byId}` : sql``}
      ${after ? sql`AND (m.send_at, m.id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    ORDER BY m.send_at, m.id
    LIMIT ${q.limit}`);
}

export const cursorAfter = (r: Row) => Buffer.from(JSON.stringify([r.send_at_key, r.id])).toString('base64url');

export async function listMessages(db: Db, workspaceId: string, campaignId: string, q: MessageFilter & { cursor?: string; limit: number }) {
  await findCampaign(db, workspaceId, campaignId);
  const rows = await messageRows(db, workspaceId, campaignId, { ...q, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return { items: page.map(messageView), nextCursor: rows.length > q.limit ? cursorAfter(page.at(-1)!) : null };
}
