import { and, eq, gt, sql } from 'drizzle-orm';
import { conversations } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';
import type { Deps } from '../../http/context.js';
import { conversationView, findConversationRow } from './conversation-rows.js';
import { publishConversationUpdated } from './inbox-events.js';
import { replyState } from './reply-state.js';
import type { HistoryItem, MessageView } from './schemas.js';

/** How much of a long thread and of the contact's history one read returns (the newest). */
const THREAD_LIMIT = 500;
const HISTORY_LIMIT = 300;
const EXCERPT = 2000;
/** Contact events that are not already a message somewhere in the history. */
const EVENT_TYPES = ['opened', 'clicked', 'bounced', 'unsubscribed', 'complained'];

interface MessageRow {
  id: string; direction: 'in' | 'out'; status: MessageView['status']; from_name: string | null; from_address: string | null; subject: string | null;
  text: string | null; html: string | null; error: string | null; tag: string | null; metadata: Record<string, unknown>; occurred_at: Date | string;
  sent_by_id: string | null; sent_by_name: string | null; campaign_id: string | null; campaign_name: string | null; step_position: number | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();

function messageView(r: MessageRow): MessageView {
  const attachments = Array.isArray(r.metadata.attachments) ? (r.metadata.attachments as MessageView['attachments']) : [];
  return {
    id: r.id, direction: r.direction, status: r.status, fromName: r.from_name, fromAddress: r.from_address, subject: r.subject, text: r.text, html: r.html,
    error: r.error, tag: r.tag, sentBy: r.sent_by_id ? { id: r.sent_by_id, name: r.sent_by_name! } : null,
    campaign: r.campaign_id ? { id: r.campaign_id, name: r.campaign_name!, step: r.step_position } : null,
    autoReply: r.metadata.autoReply === true, attachments, occurredAt: iso(r.occurred_at),
  };
}

/** The thread's messages, oldest first (or just `onlyId`). */
export async function threadMessages(deps: Pick<Deps, 'db'>, workspaceId: string, conversationId: string, onlyId?: string): Promise<MessageView[]> {
  const rows = await queryRows<MessageRow>(deps.db, sql`
    SELECT cm.id, cm.direction, cm.status, cm.from_name, cm.from_address, cm.subject, cm.text, cm.html, cm.error, cm.tag, cm.metadata, cm.occurred_at,
      u.id AS sent_by_id, u.name AS sent_by_name, m.campaign_id, g.name AS campaign_name, m.step_position
    FROM conversation_messages cm
    LEFT JOIN users u ON u.id = cm.sent_by_user_id
    LEFT JOIN messages m ON m.id = cm.campaign_message_id
    LEFT JOIN campaigns g ON g.id = m.campaign_id
    WHERE cm.conversation_id = ${conversationId} AND cm.workspace_id = ${workspaceId} ${onlyId ? sql`AND cm.id = ${onlyId}` : sql``}
    ORDER BY cm.occurred_at DESC, cm.created_at DESC LIMIT ${THREAD_LIMIT}`);
  return rows.reverse().map(messageView);
}

function eventDetail(metadata: Record<string, unknown>): string | null {
  for (const key of ['url', 'diagnostic', 'reason', 'source']) {
    const v = metadata[key];
    if (typeof v === 'string' && v) return v;
  }
  return null;
}

/** Everything else that happened with the contact, on every channel, oldest first. */
async function contactHistory(deps: Pick<Deps, 'db'>, workspaceId: string, contactId: string, conversationId: string): Promise<HistoryItem[]> {
  const [messages, campaignMail, events] = await Promise.all([
    queryRows<{ id: string; conversation_id: string; channel: 'email' | 'messenger'; direction: 'in' | 'out'; status: string; subject: string | null; text: string | null; from_name: string | null; occurred_at: Date | string }>(deps.db, sql`
      SELECT cm.id, cm.conversation_id, c.channel, cm.direction, cm.status, cm.subject, left(cm.text, ${EXCERPT}) AS text, cm.from_name, cm.occurred_at
      FROM conversation_messages cm JOIN conversations c ON c.id = cm.conversation_id
      WHERE c.contact_id = ${contactId} AND c.workspace_id = ${workspaceId} AND c.id <> ${conversationId}
      ORDER BY cm.occurred_at DESC LIMIT ${HISTORY_LIMIT}`),
    // Campaign mail shows up in a thread once it was answered; the rest is only here.
    queryRows<{ id: string; campaign_id: string; campaign_name: string; step_position: number; subject: string | null; text: string | null; sent_at: Date | string }>(deps.db, sql`
      SELECT m.id, m.campaign_id, g.name AS campaign_name, m.step_position, m.subject, left(m.body_text, ${EXCERPT}) AS text, m.sent_at
      FROM messages m JOIN campaigns g ON g.id = m.campaign_id
      WHERE m.contact_id = ${contactId} AND m.workspace_id = ${workspaceId} AND m.status = 'sent' AND m.sent_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM conversation_messages cm WHERE cm.external_id = m.message_id_header AND cm.campaign_message_id = m.id)
      ORDER BY m.sent_at DESC LIMIT ${HISTORY_LIMIT}`),
    queryRows<{ id: string; type: string; channel: string | null; campaign_id: string | null; campaign_name: string | null; metadata: Record<string, unknown>; occurred_at: Date | string }>(deps.db, sql`
      SELECT e.id::text AS id, e.type, e.channel, e.campaign_id, g.name AS campaign_name, e.metadata, e.occurred_at
      FROM contact_events e LEFT JOIN campaigns g ON g.id = e.campaign_id
      WHERE e.contact_id = ${contactId} AND e.workspace_id = ${workspaceId} AND e.type IN (${sql.join(EVENT_TYPES.map((t) => sql`${t}`), sql`, `)})
      ORDER BY e.occurred_at DESC LIMIT ${HISTORY_LIMIT}`),
  ]);
  const items: HistoryItem[] = [
    ...messages.map((m): HistoryItem => ({
      kind: 'message', id: m.id, conversationId: m.conversation_id, channel: m.channel, direction: m.direction, status: m.status, subject: m.subject, text: m.text, fromName: m.from_name, occurredAt: iso(m.occurred_at),
    })),
    ...campaignMail.map((m): HistoryItem => ({
      kind: 'campaign_message', id: m.id, campaign: { id: m.campaign_id, name: m.campaign_name }, step: m.step_position, subject: m.subject, text: m.text, occurredAt: iso(m.sent_at),
    })),
    ...events.map((e): HistoryItem => ({
      kind: 'event', id: e.id, type: e.type, channel: e.channel, campaign: e.campaign_id && e.campaign_name ? { id: e.campaign_id, name: e.campaign_name } : null,
      detail: eventDetail(e.metadata), occurredAt: iso(e.occurred_at),
    })),
  ];
  items.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  return items.slice(-HISTORY_LIMIT);
}

/**
 * A conversation as the inbox opens it: the thread, the contact's history across channels and
 * whether a reply may go now. Opening it marks it read unless the caller says otherwise.
 */
export async function getConversationThread(deps: Pick<Deps, 'db' | 'config' | 'database' | 'log'>, input: { workspaceId: string; id: string; markRead: boolean; now?: Date }) {
  const row = await findConversationRow(deps.db, input.workspaceId, input.id);
  if (input.markRead && row.unread_count > 0) {
    const read = await deps.db.update(conversations).set({ unreadCount: 0 })
      .where(and(eq(conversations.id, row.id), gt(conversations.unreadCount, 0))).returning({ id: conversations.id });
    row.unread_count = 0;
    if (read.length) await publishConversationUpdated(deps, input.workspaceId, row.id);
  }
  const [messages, history, reply] = await Promise.all([
    threadMessages(deps, input.workspaceId, row.id),
    contactHistory(deps, input.workspaceId, row.contact_id, row.id),
    replyState(deps.db, deps.config, row, input.now),
  ]);
  return { conversation: conversationView(row), messages, history, reply };
}
