import type { Deps } from '../../http/context.js';
import { AppError, fieldError, notFound } from '../../lib/problems.js';
import { replyWindow } from '../messenger/reply-window.js';
import { retryMessengerReply, sendMessengerReply, type MessengerReplyResult } from '../messenger/send-messenger-reply.js';
import { findConversationRow, type ConversationRow } from './conversation-rows.js';
import { threadMessages } from './get-conversation.js';
import { publishConversationUpdated } from './inbox-events.js';
import type { MessageView, ReplyInput } from './schemas.js';
import { sendEmailReply } from './send-email-reply.js';

/** Seconds the inbox suggests waiting when Facebook throttled a reply without saying how long. */
const DEFAULT_RETRY_SECONDS = 30;

async function stored(deps: Pick<Deps, 'db'>, c: ConversationRow, messageId: string): Promise<MessageView> {
  const [view] = await threadMessages(deps, c.workspace_id, c.id, messageId);
  return view!;
}

/** A Messenger outcome as the API answers it: sent is the message; the rest are problems that carry it. */
function messengerOutcome(c: ConversationRow, r: MessengerReplyResult, message: MessageView, now: Date): MessageView {
  switch (r.status) {
    case 'sent':
      return message;
    case 'blocked': {
      const lastInbound = c.last_inbound_at ? new Date(c.last_inbound_at) : null;
      // Outside the window is something only the person can change (422); a page to reconnect is ours to fix (409).
      if (!replyWindow(lastInbound, now, true).allowed) throw new AppError(422, 'outside-messaging-window', r.reason, undefined, { reason: r.reason, message });
      throw new AppError(409, 'conflict', r.reason, undefined, { reason: r.reason, message });
    }
    case 'failed':
      throw new AppError(502, 'reply-failed', `Facebook refused the reply: ${r.reason}`, undefined, { reason: r.reason, code: r.code, subcode: r.subcode, message });
    case 'queued': {
      const seconds = r.retryAfterSeconds ?? DEFAULT_RETRY_SECONDS;
      throw new AppError(503, 'provider-busy', `Facebook asked us to slow down (${r.reason}); the reply is kept and can be retried in ${seconds} seconds.`, undefined,
        { retryAfter: seconds, message }, { 'retry-after': String(seconds) });
    }
  }
}

/**
 * "Reply" in the inbox: through the conversation's own channel. Email goes out threaded from its
 * inbox; Messenger goes through the messenger module, as a reply a person typed (so HUMAN_AGENT
 * may apply between 24 hours and 7 days). Whatever happens is in the thread afterwards.
 */
export async function replyToConversation(deps: Deps, input: { workspaceId: string; id: string; body: ReplyInput; userId: string | null; now?: Date }): Promise<MessageView> {
  const c = await findConversationRow(deps.db, input.workspaceId, input.id);
  const now = input.now ?? new Date();
  const { text, html, tag } = input.body;
  if (c.channel === 'email') {
    if (tag) throw fieldError('tag', 'applies to Messenger replies only');
    const r = await sendEmailReply(deps, { conversation: c, text, html, userId: input.userId, now });
    await publishConversationUpdated(deps, c.workspace_id, c.id);
    const message = await stored(deps, c, r.messageId);
    if (r.status === 'failed') throw new AppError(502, 'reply-failed', `The mail server refused the reply: ${r.error}`, undefined, { reason: r.error, kind: r.kind, message });
    return message;
  }
  if (html !== undefined) throw fieldError('html', 'Messenger replies are plain text');
  const r = await sendMessengerReply(deps, { workspaceId: c.workspace_id, conversationId: c.id, text, userId: input.userId, typedByHuman: true, now });
  await publishConversationUpdated(deps, c.workspace_id, c.id);
  return messengerOutcome(c, r, await stored(deps, c, r.messageId), now);
}

/** Sends again a Messenger reply Facebook throttled (left 'queued'); the window is checked anew. */
export async function retryReply(deps: Deps, input: { workspaceId: string; id: string; messageId: string; now?: Date }): Promise<MessageView> {
  const c = await findConversationRow(deps.db, input.workspaceId, input.id);
  const [message] = await threadMessages(deps, c.workspace_id, c.id, input.messageId);
  if (!message || c.channel !== 'messenger' || message.status !== 'queued') throw notFound('Queued reply');
  const now = input.now ?? new Date();
  const r = await retryMessengerReply(deps, { workspaceId: c.workspace_id, messageId: input.messageId, now });
  await publishConversationUpdated(deps, c.workspace_id, c.id);
  return messengerOutcome(c, r, await stored(deps, c, r.messageId), now);
}
