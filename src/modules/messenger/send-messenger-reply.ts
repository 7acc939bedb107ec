import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contactEvents, contacts, conversationMessages, conversations, facebookPages } from '../../db/schema/index.js';
import type { Deps } from '../../http/context.js';
import { MAX_TEXT_LENGTH, sendMessage, type GraphFailure } from '../../channels/messenger/index.js';
import { fieldError, notFound } from '../../lib/problems.js';
import { requireMessenger } from './messenger-config.js';
import { markReconnectNeeded, openPageToken, type PageRow } from './pages.js';
import { echoDuplicateOf } from './record-event.js';
import { replyWindow } from './reply-window.js';
import { touchConversation } from '../inbox/conversation-store.js';

export interface MessengerReplyInput {
  workspaceId: string;
  conversationId: string;
  text: string;
  /** Who replies (null for an API key or an automation). */
  userId?: string | null;
  /** True only for a reply a person typed: only those may use the HUMAN_AGENT tag after 24 hours. */
  typedByHuman: boolean;
  now?: Date;
}

/**
 * What happened to a reply; every outcome is stored as a conversation message (messageId):
 * - sent: Facebook accepted it (mid);
 * - blocked: refused before any API call (window closed, page needs reconnecting), with the reason;
 * - failed: Facebook refused it for good (outside its window, contact unavailable, bad request);
 * - queued: rate limited or a passing failure; call retryMessengerReply after retryAfterSeconds.
 */
export type MessengerReplyResult =
  | { status: 'sent'; messageId: string; mid: string; messagingType: string; tag: string | null }
  | { status: 'blocked'; messageId: string; reason: string }
  | { status: 'failed'; messageId: string; kind: GraphFailure['kind']; code: number | null; subcode: number | null; reason: string }
  | { status: 'queued'; messageId: string; kind: GraphFailure['kind']; reason: string; retryAfterSeconds: number | null };

type Conversation = typeof conversations.$inferSelect;
type MessageRow = typeof conversationMessages.$inferSelect;

async function loadThread(db: Db, workspaceId: string, conversationId: string) {
  const [conversation] = await db.select().from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, workspaceId), eq(conversations.channel, 'messenger')));
  if (!conversation) throw notFound('Conversation');
  const [contact] = await db.select({ id: contacts.id, psid: contacts.messengerPsid }).from(contacts).where(eq(contacts.id, conversation.contactId));
  const [page] = conversation.pageId ? await db.select().from(facebookPages).where(eq(facebookPages.id, conversation.pageId)) : [];
  return { conversation, psid: contact?.psid ?? null, page: page ?? null };
}

/** Why nothing may be sent from this page to this person right now, or null. */
function pageProblem(page: PageRow | null, psid: string | null): string | null {
  if (!page || page.status === 'disconnected') return "the conversation's Facebook page is not connected any more; connect it again to reply.";
  if (page.status === 'reconnect_needed') return `the Facebook page "${page.name}" needs reconnecting before it can send: ${page.statusReason ?? 'its access was revoked'}`;
  if (!psid) return 'this contact has no Messenger id any more.';
  return null;
}

function validateText(text: string) {
  if (!text.trim()) throw fieldError('text', 'is required');
  if (text.length > MAX_TEXT_LENGTH) throw fieldError('text', `must be at most ${MAX_TEXT_LENGTH} characters (Messenger's limit)`);
}

async function settle(db: Db, row: MessageRow, set: Partial<typeof conversationMessages.$inferInsert>) {
  await db.update(conversationMessages).set(set).where(eq(conversationMessages.id, row.id));
}

/** Checks, sends and records one stored reply (new or queued for a retry). */
async function deliver(deps: Deps, thread: Awaited<ReturnType<typeof loadThread>>, row: MessageRow, typedByHuman: boolean, now: Date): Promise<MessengerReplyResult> {
  const { graph } = requireMessenger(deps.config);
  const { conversation, page, psid } = thread;
  const blockedBy = pageProblem(page, psid);
  const window = replyWindow(conversation.lastInboundAt, now, typedByHuman);
  const reason = blockedBy ?? (window.allowed ? null : window.reason);
  if (reason || !window.allowed) {
    await settle(deps.db, row, { status: 'blocked', error: reason });
    return { status: 'blocked', messageId: row.id, reason: reason! };
  }
  const token = openPageToken(deps.config.secrets, page!);
  if (!token) {
    await settle(deps.db, row, { status: 'blocked', error: pageProblem(null, psid) });
    return { status: 'blocked', messageId: row.id, reason: pageProblem(null, psid)! };
  }
  await settle(deps.db, row, { tag: window.tag, metadata: { ...row.metadata, messagingType: window.messagingType, typedByHuman } });
  const res = await sendMessage(graph, { pageToken: token, psid: psid!, text: row.text ?? '', messagingType: window.messagingType, tag: window.tag });

  if (res.ok) {
    await deps.db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      // The echo of this very message may have been processed first; ours is the record.
      await t.delete(conversationMessages).where(echoDuplicateOf(conversation.id, res.mid));
      await t.update(conversationMessages).set({ status: 'sent', externalId: res.mid, error: null, occurredAt: now }).where(eq(conversationMessages.id, row.id));
      await touchConversation(t, conversation.id, { at: now, preview: (row.text ?? '').slice(0, 200), inbound: false });
      await t.insert(contactEvents).values({ workspaceId: conversation.workspaceId, contactId: conversation.contactId, type: 'sent', channel: 'messenger', occurredAt: now, metadata: { pageId: page!.id, conversationId: conversation.id, conversationMessageId: row.id, mid: res.mid } });
    });
    return { status: 'sent', messageId: row.id, mid: res.mid, messagingType: window.messagingType, tag: window.tag };
  }

  const failed = async (text: string): Promise<MessengerReplyResult> => {
    await settle(deps.db, row, { status: 'failed', error: text });
    return { status: 'failed', messageId: row.id, kind: res.kind, code: res.code, subcode: res.subcode, reason: text };
  };
  switch (res.kind) {
    case 'auth': {
      const why = `Facebook no longer accepts the page's access (${res.message}); reconnect the page.`;
      await markReconnectNeeded(deps.db, page!.id, why);
      return failed(why);
    }
    case 'outside_window':
      return failed(`outside Messenger's messaging window (${res.message}); not retried — the person has to write to the page first.`);
    case 'unavailable':
      return failed(`contact unavailable: ${res.message}`);
    case 'rate_limited':
    case 'transient':
      await settle(deps.db, row, { status: 'queued', error: res.message });
      return { status: 'queued', messageId: row.id, kind: res.kind, reason: res.message, retryAfterSeconds: res.retryAfterSeconds ?? null };
    default:
      return failed(res.message);
  }
}

/**
 * Replies in a Messenger conversation (what the inbox calls). The window rule is checked first:
 * a reply that may not go is stored as 'blocked' with the reason and never reaches Facebook.
 */
export async function sendMessengerReply(deps: Deps, input: MessengerReplyInput): Promise<MessengerReplyResult> {
  requireMessenger(deps.config);
  validateText(input.text);
  const now = input.now ?? new Date();
  const thread = await loadThread(deps.db, input.workspaceId, input.conversationId);
  const [row] = await deps.db.insert(conversationMessages).values({
    workspaceId: input.workspaceId, conversationId: thread.conversation.id, direction: 'out', text: input.text, status: 'queued',
    fromName: thread.page?.name ?? null, fromAddress: thread.page?.pageId ?? null, sentByUserId: input.userId ?? null, occurredAt: now,
    metadata: { typedByHuman: input.typedByHuman },
  }).returning();
  return deliver(deps, thread, row!, input.typedByHuman, now);
}

/** Sends again a reply left 'queued' by a rate limit or a passing failure; the window is checked anew. */
export async function retryMessengerReply(deps: Deps, input: { workspaceId: string; messageId: string; now?: Date }): Promise<MessengerReplyResult> {
  requireMessenger(deps.config);
  const [row] = await deps.db.select().from(conversationMessages)
    .where(and(eq(conversationMessages.id, input.messageId), eq(conversationMessages.workspaceId, input.workspaceId), eq(conversationMessages.direction, 'out'), eq(conversationMessages.status, 'queued')));
  if (!row) throw notFound('Queued Messenger reply');
  const thread = await loadThread(deps.db, input.workspaceId, row.conversationId);
  return deliver(deps, thread, row, row.metadata.typedByHuman === true, input.now ?? new Date());
}
