import { and, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contactEvents, conversationMessages } from '../../db/schema/index.js';
import type { MessengerProfile } from '../../channels/messenger/index.js';
import { stopContactSequences } from '../../engine/stop-rules.js';
import type { PageRow } from './pages.js';
import { findConversationByKey, findOrCreateConversation, messengerThreadKey, touchConversation } from '../inbox/conversation-store.js';
import { findOrCreateSubscriber, findSubscriber } from './subscribers.js';
import type { MessagingEvent, StoredMessengerEvent } from './webhook-events.js';

export interface EventContext {
  /** The page's row in one workspace (a page connected to two workspaces is processed for each). */
  page: PageRow;
  /** Our Facebook app id: an echo carrying it was sent by us. */
  appId: string | null;
  profileOf(fbPageId: string, psid: string): MessengerProfile | null;
}

const PREVIEW_LENGTH = 200;

/** The one conversation of a contact on a page. */
export const pageConversation = (workspaceId: string, pageRowId: string, contactId: string, at: Date) =>
  ({ workspaceId, contactId, channel: 'messenger' as const, threadKey: messengerThreadKey(pageRowId, contactId), pageId: pageRowId, at });

function occurredAt(stored: StoredMessengerEvent): Date {
  const ms = stored.event.timestamp ?? stored.entryTime;
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms) : new Date();
}

function attachmentsOf(message: NonNullable<MessagingEvent['message']>) {
  return (message.attachments ?? []).map((a) => ({ type: a.type ?? 'unknown', ...(typeof a.payload?.url === 'string' && { url: a.payload.url }), ...(a.payload?.title !== undefined && { title: a.payload.title }) }));
}

function previewOf(text: string | null, attachments: { type: string }[]): string {
  if (text) return text.slice(0, PREVIEW_LENGTH);
  if (attachments.length === 1) return `[${attachments[0]!.type}]`;
  return attachments.length ? `[${attachments.length} attachments]` : '';
}

/**
 * A person wrote to the page (a message, or a postback from a button). Stored once per mid in
 * their conversation; the first time it also counts as unread, opens the 24-hour window,
 * records 'received' and 'replied' on the contact and stops their email sequences.
 */
async function recordFromPerson(db: Db, ctx: EventContext, stored: StoredMessengerEvent, dedupeKey: string): Promise<string | null> {
  const { page } = ctx;
  const psid = stored.event.sender?.id;
  if (!psid) return null;
  const at = occurredAt(stored);
  const contact = await findOrCreateSubscriber(db, { workspaceId: page.workspaceId, fbPageId: page.pageId, psid, profile: ctx.profileOf(page.pageId, psid) });
  const conversation = await findOrCreateConversation(db, pageConversation(page.workspaceId, page.id, contact.id, at));
  const message = stored.event.message;
  const postback = stored.event.postback;
  const attachments = message ? attachmentsOf(message) : [];
  const text = message ? message.text ?? null : postback?.title ?? null;
  const metadata: Record<string, unknown> = { psid };
  if (attachments.length) metadata.attachments = attachments;
  if (message?.quick_reply?.payload !== undefined) metadata.quickReply = { payload: message.quick_reply.payload };
  if (message?.reply_to?.mid) metadata.replyTo = message.reply_to.mid;
  if (postback) metadata.postback = { title: postback.title ?? null, payload: postback.payload ?? null };
  const externalId = message?.mid ?? postback?.mid ?? dedupeKey;
  const fromName = [contact.firstName, contact.lastName].filter(Boolean).join(' ') || null;

  const [inserted] = await db.insert(conversationMessages).values({
    workspaceId: page.workspaceId, conversationId: conversation.id, direction: 'in', externalId, fromName, fromAddress: psid,
    text, metadata, status: 'received', occurredAt: at,
  }).onConflictDoNothing({ target: [conversationMessages.conversationId, conversationMessages.externalId] }).returning({ id: conversationMessages.id });
  if (!inserted) return null;

  await touchConversation(db, conversation.id, { at, preview: previewOf(text, attachments), inbound: true });
  const eventMeta = { pageId: page.id, fbPageId: page.pageId, conversationId: conversation.id, conversationMessageId: inserted.id, mid: externalId, ...(postback && { postback: true }) };
  await db.insert(contactEvents).values([
    { workspaceId: page.workspaceId, contactId: contact.id, type: 'received', channel: 'messenger', occurredAt: at, metadata: eventMeta },
    { workspaceId: page.workspaceId, contactId: contact.id, type: 'replied', channel: 'messenger', occurredAt: at, metadata: eventMeta },
  ]);
  await stopContactSequences(db, { workspaceId: page.workspaceId, contactId: contact.id, reason: 'replied on Messenger', trigger: 'reply' });
  return conversation.id;
}

/**
 * The page sent a message (an echo): from us, or typed by someone in the Page inbox. Ours is
 * already stored under its mid, so the echo only lends it Facebook's timestamp (receipts'
 * watermarks are in Facebook's clock); anyone else's becomes an outbound message in the thread.
 */
async function recordEcho(db: Db, ctx: EventContext, stored: StoredMessengerEvent): Promise<string | null> {
  const { page } = ctx;
  const message = stored.event.message!;
  const psid = stored.event.recipient?.id;
  if (!psid || !message.mid) return null;
  const at = occurredAt(stored);
  const contact = await findOrCreateSubscriber(db, { workspaceId: page.workspaceId, fbPageId: page.pageId, psid, profile: ctx.profileOf(page.pageId, psid) });
  const conversation = await findOrCreateConversation(db, pageConversation(page.workspaceId, page.id, contact.id, at));
  const attachments = attachmentsOf(message);
  const fromUs = ctx.appId !== null && String(message.app_id ?? '') === ctx.appId;
  const [inserted] = await db.insert(conversationMessages).values({
    workspaceId: page.workspaceId, conversationId: conversation.id, direction: 'out', externalId: message.mid, fromName: page.name, fromAddress: page.pageId,
    text: message.text ?? null, status: 'sent', occurredAt: at,
    metadata: { echo: true, source: fromUs ? 'messagesender' : 'page_inbox', ...(message.app_id !== undefined && { appId: String(message.app_id) }), ...(attachments.length && { attachments }) },
  }).onConflictDoNothing({ target: [conversationMessages.conversationId, conversationMessages.externalId] }).returning({ id: conversationMessages.id });
  if (inserted) {
    await touchConversation(db, conversation.id, { at, preview: previewOf(message.text ?? null, attachments), inbound: false });
    return conversation.id;
  }
  await db.update(conversationMessages).set({ occurredAt: at })
    .where(and(eq(conversationMessages.conversationId, conversation.id), eq(conversationMessages.externalId, message.mid), eq(conversationMessages.direction, 'out')));
  return null;
}

/**
 * Receipts move our outbound messages forward, never back: delivered (by mid, or everything up to
 * the watermark) from sent; read (up to the watermark) from sent or delivered.
 */
async function recordReceipt(db: Db, ctx: EventContext, stored: StoredMessengerEvent): Promise<string | null> {
  const { page } = ctx;
  const psid = stored.event.sender?.id;
  if (!psid) return null;
  const contact = await findSubscriber(db, { workspaceId: page.workspaceId, fbPageId: page.pageId, psid });
  if (!contact) return null;
  const conversation = await findConversationByKey(db, page.workspaceId, messengerThreadKey(page.id, contact.id));
  if (!conversation) return null;
  const mine = and(eq(conversationMessages.conversationId, conversation.id), eq(conversationMessages.direction, 'out'));
  const { delivery, read } = stored.event;
  if (delivery) {
    const watermark = typeof delivery.watermark === 'number' ? new Date(delivery.watermark) : null;
    const mids = (delivery.mids ?? []).filter((m): m is string => typeof m === 'string');
    const which = or(mids.length ? inArray(conversationMessages.externalId, mids) : undefined, watermark ? lte(conversationMessages.occurredAt, watermark) : undefined);
    if (!which) return null;
    await db.update(conversationMessages).set({ status: 'delivered' }).where(and(mine, eq(conversationMessages.status, 'sent'), which));
  }
  if (read && typeof read.watermark === 'number') {
    await db.update(conversationMessages).set({ status: 'read' })
      .where(and(mine, inArray(conversationMessages.status, ['sent', 'delivered']), lte(conversationMessages.occurredAt, new Date(read.watermark))));
  }
  return conversation.id;
}

/**
 * Applies one stored event for one workspace's page. Idempotent: running it twice changes nothing more.
 * Returns the conversation it changed, for the live inbox.
 */
export async function recordMessengerEvent(db: Db, ctx: EventContext, stored: StoredMessengerEvent, dedupeKey: string): Promise<string | null> {
  switch (stored.kind) {
    case 'message':
    case 'postback':
      return recordFromPerson(db, ctx, stored, dedupeKey);
    case 'echo':
      return recordEcho(db, ctx, stored);
    case 'delivery':
    case 'read':
      return recordReceipt(db, ctx, stored);
    default:
      // Reactions, referrals, opt-ins: kept in webhook_events, nothing to show yet.
      return null;
  }
}

/** Exposed for the reply use-case: an echo may have stored our own message before our send returned. */
export const echoDuplicateOf = (conversationId: string, mid: string) =>
  and(eq(conversationMessages.conversationId, conversationId), eq(conversationMessages.externalId, mid), sql`${conversationMessages.metadata}->>'echo' = 'true'`);
