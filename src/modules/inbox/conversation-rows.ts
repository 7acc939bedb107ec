import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { CONVERSATION_LABELS } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';
import { notFound } from '../../lib/problems.js';
import type { ConversationView } from './schemas.js';

/** A conversation with what the inbox shows beside it: contact, inbox or page, campaign, assignee. */
export interface ConversationRow {
  id: string; workspace_id: string; channel: 'email' | 'messenger'; status: 'open' | 'closed'; subject: string | null; labels: string[];
  unread_count: number; last_message_at: Date | string; last_inbound_at: Date | string | null; last_preview: string | null; created_at: Date | string;
  /** last_message_at as text at full precision, for the keyset cursor. */
  last_message_at_key: string;
  contact_id: string; first_name: string | null; last_name: string | null; contact_email: string | null; company: string | null; contact_status: string; messenger_psid: string | null;
  sender_id: string | null; sender_email: string | null; sender_status: string | null;
  page_id: string | null; page_name: string | null; page_status: string | null;
  campaign_id: string | null; campaign_name: string | null;
  assignee_id: string | null; assignee_name: string | null; assignee_email: string | null;
}

export const conversationRowsSql = (where: SQL, tail: SQL = sql``) => sql`
  SELECT c.id, c.workspace_id, c.channel, c.status, c.subject, c.labels, c.unread_count, c.last_message_at, c.last_message_at::text AS last_message_at_key,
    c.last_inbound_at, c.last_preview, c.created_at,
    k.id AS contact_id, k.first_name, k.last_name, k.email AS contact_email, k.company, k.status AS contact_status, k.messenger_psid,
    s.id AS sender_id, s.email AS sender_email, s.status AS sender_status,
    p.id AS page_id, p.name AS page_name, p.status AS page_status,
    g.id AS campaign_id, g.name AS campaign_name,
    u.id AS assignee_id, u.name AS assignee_name, u.email AS assignee_email
  FROM conversations c
  JOIN contacts k ON k.id = c.contact_id
  LEFT JOIN sender_accounts s ON s.id = c.sender_id
  LEFT JOIN facebook_pages p ON p.id = c.page_id
  LEFT JOIN campaigns g ON g.id = c.campaign_id
  LEFT JOIN users u ON u.id = c.assigned_user_id
  WHERE ${where}
  ${tail}`;

const iso = (v: Date | string) => new Date(v).toISOString();

export const contactName = (first: string | null, last: string | null) => [first, last].filter(Boolean).join(' ') || null;

export function conversationView(r: ConversationRow): ConversationView {
  const account = r.channel === 'email'
    ? (r.sender_id ? { kind: 'sender' as const, id: r.sender_id, label: r.sender_email!, status: r.sender_status! } : null)
    : (r.page_id ? { kind: 'page' as const, id: r.page_id, label: r.page_name!, status: r.page_status! } : null);
  return {
    id: r.id,
    channel: r.channel,
    status: r.status,
    subject: r.subject,
    labels: r.labels as (typeof CONVERSATION_LABELS)[number][],
    unreadCount: r.unread_count,
    lastMessageAt: iso(r.last_message_at),
    lastInboundAt: r.last_inbound_at ? iso(r.last_inbound_at) : null,
    lastPreview: r.last_preview,
    contact: {
      id: r.contact_id, name: contactName(r.first_name, r.last_name), email: r.contact_email, company: r.company, status: r.contact_status,
      messengerPsid: r.messenger_psid,
    },
    account,
    campaign: r.campaign_id ? { id: r.campaign_id, name: r.campaign_name! } : null,
    assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name!, email: r.assignee_email! } : null,
    createdAt: iso(r.created_at),
  };
}

/** One conversation of the workspace; another workspace's is simply not found. */
export async function findConversationRow(db: Db, workspaceId: string, id: string): Promise<ConversationRow> {
  const [row] = await queryRows<ConversationRow>(db, conversationRowsSql(sql`c.id = ${id} AND c.workspace_id = ${workspaceId}`));
  if (!row) throw notFound('Conversation');
  return row;
}
