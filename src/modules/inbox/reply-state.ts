import { and, desc, eq } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { conversationMessages } from '../../db/schema/index.js';
import { replyWindow } from '../messenger/reply-window.js';
import type { ConversationRow } from './conversation-rows.js';
import type { ReplyState } from './schemas.js';

/** The person's last message in the thread: an email reply answers it (threading, address). */
export async function lastInbound(db: Db, conversationId: string) {
  const [row] = await db.select().from(conversationMessages)
    .where(and(eq(conversationMessages.conversationId, conversationId), eq(conversationMessages.direction, 'in')))
    .orderBy(desc(conversationMessages.occurredAt)).limit(1);
  return row ?? null;
}

const blocked = (channel: ReplyState['channel'], reason: string): ReplyState =>
  ({ channel, allowed: false, reason, to: null, messagingType: null, tag: null, windowClosesAt: null });

/**
 * Whether a reply typed in the inbox may go now, and how: the email inbox must still be
 * connected and someone must be there to answer; Messenger adds the page's state and the
 * 24-hour / HUMAN_AGENT window. The reply use-cases decide again when sending; this is what
 * the reply box shows beforehand.
 */
export async function replyState(db: Db, config: Config, c: ConversationRow, now = new Date()): Promise<ReplyState> {
  if (c.channel === 'email') {
    if (!c.sender_id) return blocked('email', 'The inbox this conversation came through was removed; connect it again to reply from here.');
    if (c.sender_status === 'reconnect_needed') return blocked('email', `${c.sender_email} needs to be reconnected before it can send.`);
    const to = (await lastInbound(db, c.id))?.fromAddress ?? c.contact_email;
    if (!to) return blocked('email', 'This contact has no email address to reply to.');
    return { channel: 'email', allowed: true, reason: null, to, messagingType: null, tag: null, windowClosesAt: null };
  }
  if (!config.facebook) return blocked('messenger', 'Messenger is not set up on this server (FACEBOOK_APP_ID and FACEBOOK_APP_SECRET).');
  if (!c.page_id || c.page_status === 'disconnected') return blocked('messenger', "The conversation's Facebook page is not connected any more; connect it again to reply.");
  if (c.page_status === 'reconnect_needed') return blocked('messenger', `The Facebook page "${c.page_name}" needs reconnecting before it can send.`);
  if (!c.messenger_psid) return blocked('messenger', 'This contact has no Messenger id any more.');
  const window = replyWindow(c.last_inbound_at ? new Date(c.last_inbound_at) : null, now, true);
  if (!window.allowed) return blocked('messenger', window.reason);
  return { channel: 'messenger', allowed: true, reason: null, to: null, messagingType: window.messagingType, tag: window.tag, windowClosesAt: window.closesAt.toISOString() };
}
