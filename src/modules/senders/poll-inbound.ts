import { and, eq, sql } from 'drizzle-orm';
import { classifyInbound, type InboundClassification } from '../../channels/inbound/classify.js';
import type { InboundEmail } from '../../channels/types.js';
import type { Db } from '../../db/client.js';
import { contactEvents, contacts, conversationMessages, senderAccounts } from '../../db/schema/index.js';
import { queryRows, sqlArray } from '../../db/sql-helpers.js';
import { stopContactSequences, stopOnReply } from '../../engine/stop-rules.js';
import { emailThreadKey, findOrCreateConversation, touchConversation } from '../inbox/conversation-store.js';
import { publishConversationUpdated } from '../inbox/inbox-events.js';
import { isUnsubscribeRequestEmail } from '../tracking/unsubscribe-email.js';
import type { Deps } from '../../http/context.js';
import { normalizeContactEmail } from '../contacts/contact-input.js';
import { addSuppressions } from '../contacts/suppressions.js';
import { openChannel } from './open-channel.js';
import type { SenderRow } from './senders.js';

export interface PollResult {
  fetched: number;
  replies: number;
  autoReplies: number;
  bounces: number;
  unsubscribes: number;
  resynced: boolean;
}

async function findContact(db: Db, workspaceId: string, email: string | null | undefined) {
  if (!email) return null;
  const [row] = await db.select({ id: contacts.id, status: contacts.status, email: contacts.email }).from(contacts).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.email, normalizeContactEmail(email))));
  return row ?? null;
}

/** After a resync a channel may hand over a message again; its provider id is recorded once. */
async function alreadyRecorded(db: Db, sender: SenderRow, providerId: string) {
  const [row] = await db.select({ id: contactEvents.id }).from(contactEvents).where(and(
    eq(contactEvents.workspaceId, sender.workspaceId),
    sql`${contactEvents.metadata}->>'senderId' = ${sender.id} AND ${contactEvents.metadata}->>'providerId' = ${providerId}`,
  )).limit(1);
  return Boolean(row);
}

interface MatchedMessage {
  id: string;
  campaign_id: string;
  contact_id: string;
  enrollment_id: string;
}

/** The campaign message an inbound email answers or reports on: by Message-ID first, then by provider thread. */
async function matchCampaignMessage(db: Db, sender: SenderRow, ids: string[], providerThreadId: string | null | undefined): Promise<MatchedMessage | null> {
  if (ids.length) {
    const [row] = await queryRows<MatchedMessage>(db, sql`SELECT id, campaign_id, contact_id, enrollment_id FROM messages
      WHERE workspace_id = ${sender.workspaceId} AND message_id_header = ANY(${sqlArray(ids, 'text')}) ORDER BY step_position DESC LIMIT 1`);
    if (row) return row;
  }
  if (!providerThreadId) return null;
  const [row] = await queryRows<MatchedMessage>(db, sql`SELECT id, campaign_id, contact_id, enrollment_id FROM messages
    WHERE workspace_id = ${sender.workspaceId} AND sender_id = ${sender.id} AND provider_thread_id = ${providerThreadId} ORDER BY step_position DESC LIMIT 1`);
  return row ?? null;
}

async function contactById(db: Db, id: string) {
  const [row] = await db.select({ id: contacts.id, status: contacts.status, email: contacts.email }).from(contacts).where(eq(contacts.id, id));
  return row ?? null;
}

/**
 * What one inbound email means for the contact: a hard bounce marks the address bounced,
 * suppresses it and stops its sequences; a person's reply is a "replied" event that stops the
 * sequences (stop rules) and lands in the inbox as a conversation; an automatic answer is kept
 * in the conversation, labelled, and never counts as a reply; a List-Unsubscribe mailto request
 * unsubscribes. Each is tied to the campaign message it answers, by Message-ID or thread.
 */
async function recordInbound(deps: Deps, sender: SenderRow, email: InboundEmail, cls: InboundClassification): Promise<InboundClassification['kind'] | 'unsubscribe' | null> {
  const base = { senderId: sender.id, providerId: email.providerId, messageId: email.messageId, subject: email.subject, matchedMessageIds: cls.matchedMessageIds };
  const matched = await matchCampaignMessage(deps.db, sender, cls.matchedMessageIds, cls.kind === 'bounce' ? null : email.providerThreadId);
  const link = { campaignId: matched?.campaign_id ?? null, messageId: matched?.id ?? null };
  if (cls.kind === 'bounce' && cls.bounce) {
    const contact = (matched && (await contactById(deps.db, matched.contact_id))) || (await findContact(deps.db, sender.workspaceId, cls.bounce.recipient));
    if (!contact) return null;
    await deps.db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      if (cls.bounce!.type === 'hard') {
        await tx.update(contacts).set({ status: 'bounced', updatedAt: new Date() }).where(and(eq(contacts.id, contact.id), eq(contacts.status, 'active')));
        if (contact.email) await addSuppressions(t, sender.workspaceId, [{ kind: 'email', value: contact.email, reason: 'bounce', note: `${cls.bounce!.status} ${cls.bounce!.diagnostic}`.slice(0, 500) }]);
        await stopContactSequences(t, { workspaceId: sender.workspaceId, contactId: contact.id, reason: 'address bounced' });
      }
      await tx.insert(contactEvents).values({ workspaceId: sender.workspaceId, contactId: contact.id, type: 'bounced', channel: 'email', ...link, metadata: { ...base, bounceType: cls.bounce!.type, status: cls.bounce!.status, diagnostic: cls.bounce!.diagnostic, originalMessageId: cls.bounce!.originalMessageId } });
    });
    return 'bounce';
  }
  const contact = (await findContact(deps.db, sender.workspaceId, email.from?.address)) ?? (matched && (await contactById(deps.db, matched.contact_id)));
  if (!contact) return null;
  if (isUnsubscribeRequestEmail(email, sender.email)) {
    await unsubscribeByEmail(deps.db, sender, contact, { ...base, ...link });
    return 'unsubscribe';
  }
  const replied = cls.kind === 'reply';
  const landedIn = await deps.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await tx.insert(contactEvents).values({ workspaceId: sender.workspaceId, contactId: contact.id, type: replied ? 'replied' : 'received', channel: 'email', ...link, occurredAt: email.date, metadata: { ...base, autoReply: !replied, inReplyTo: email.inReplyTo } });
    if (replied) await stopOnReply(t, { workspaceId: sender.workspaceId, contactId: contact.id, fromEmail: email.from?.address ?? contact.email, reason: 'replied' });
    return storeInConversation(t, sender, contact.id, email, { matched, autoReply: !replied });
  });
  if (landedIn) await publishConversationUpdated(deps, sender.workspaceId, landedIn);
  return cls.kind;
}

/** The reply joins the contact's thread with this inbox, after the campaign messages it answers; returns the thread when it is new there. */
async function storeInConversation(db: Db, sender: SenderRow, contactId: string, email: InboundEmail, opts: { matched: MatchedMessage | null; autoReply: boolean }): Promise<string | null> {
  const conversation = await findOrCreateConversation(db, {
    workspaceId: sender.workspaceId, contactId, channel: 'email', threadKey: emailThreadKey(sender.id, contactId),
    senderId: sender.id, campaignId: opts.matched?.campaign_id ?? null, subject: email.subject, at: email.date,
  });
  if (opts.matched) {
    await db.execute(sql`INSERT INTO conversation_messages (workspace_id, conversation_id, direction, external_id, campaign_message_id, from_name, from_address, subject, text, html, status, occurred_at, metadata)
      SELECT m.workspace_id, ${conversation.id}, 'out', m.message_id_header, m.id, s.from_name, s.email, m.subject, m.body_text, m.body_html, 'sent', m.sent_at, jsonb_build_object('campaignId', m.campaign_id, 'step', m.step_position)
      FROM messages m JOIN sender_accounts s ON s.id = m.sender_id
      WHERE m.enrollment_id = ${opts.matched.enrollment_id} AND m.status = 'sent' AND m.message_id_header IS NOT NULL
      ON CONFLICT (conversation_id, external_id) DO NOTHING`);
  }
  const [inserted] = await db.insert(conversationMessages).values({
    workspaceId: sender.workspaceId, conversationId: conversation.id, direction: 'in', externalId: email.messageId ?? `provider:${email.providerId}`,
    campaignMessageId: opts.matched?.id ?? null, fromName: email.from?.name ?? null, fromAddress: email.from?.address ?? null,
    subject: email.subject, text: email.text, html: email.html ?? null, status: 'received', occurredAt: email.date,
    metadata: { providerId: email.providerId, providerThreadId: email.providerThreadId ?? null, inReplyTo: email.inReplyTo, references: email.references, autoReply: opts.autoReply },
  }).onConflictDoNothing({ target: [conversationMessages.conversationId, conversationMessages.externalId] }).returning({ id: conversationMessages.id });
  if (!inserted) return null;
  await touchConversation(db, conversation.id, { at: email.date, preview: email.text.trim().slice(0, 200), inbound: true, labels: opts.autoReply ? ['out_of_office'] : [] });
  return conversation.id;
}

/** The mailto half of List-Unsubscribe: the sender asked by email; honoured like the one-click link. */
async function unsubscribeByEmail(db: Db, sender: SenderRow, contact: { id: string; status: string; email: string | null }, metadata: Record<string, unknown>) {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await tx.update(contacts).set({ status: 'unsubscribed', updatedAt: new Date() }).where(and(eq(contacts.id, contact.id), eq(contacts.status, 'active')));
    if (contact.email) await addSuppressions(t, sender.workspaceId, [{ kind: 'email', value: contact.email, reason: 'unsubscribe', note: 'unsubscribe request by email' }]);
    const { campaignId, messageId, ...rest } = metadata as { campaignId: string | null; messageId: string | null };
    await tx.insert(contactEvents).values({ workspaceId: sender.workspaceId, contactId: contact.id, type: 'unsubscribed', channel: 'email', campaignId, messageId, metadata: { ...rest, source: 'mailto' } });
    await stopContactSequences(t, { workspaceId: sender.workspaceId, contactId: contact.id, reason: 'unsubscribed' });
  });
}

/** Reads new mail of one account and records what it means; the cursor moves only after recording. */
export async function pollSenderInbound(deps: Deps, senderId: string): Promise<PollResult | null> {
  const [sender] = await deps.db.select().from(senderAccounts).where(eq(senderAccounts.id, senderId));
  if (!sender || sender.status !== 'active') return null;
  const channel = openChannel(deps, sender);
  const result: PollResult = { fetched: 0, replies: 0, autoReplies: 0, bounces: 0, unsubscribes: 0, resynced: false };
  try {
    const batch = await channel.fetchInbound(sender.inboundCursor);
    result.fetched = batch.messages.length;
    result.resynced = Boolean(batch.resynced);
    for (const email of batch.messages) {
      if (await alreadyRecorded(deps.db, sender, email.providerId)) continue;
      const kind = await recordInbound(deps, sender, email, classifyInbound(email));
      if (kind === 'reply') result.replies++;
      else if (kind === 'unsubscribe') result.unsubscribes++;
      else if (kind === 'auto_reply') result.autoReplies++;
      else if (kind === 'bounce') result.bounces++;
    }
    await deps.db.update(senderAccounts).set({ inboundCursor: batch.cursor, lastInboundAt: new Date() }).where(eq(senderAccounts.id, sender.id));
    return result;
  } finally {
    await channel.close();
  }
}

/** The scheduled job: every active account, one at a time, each failure isolated and logged. */
export async function pollAllInboxes(deps: Deps) {
  const active = await deps.db.select({ id: senderAccounts.id }).from(senderAccounts).where(eq(senderAccounts.status, 'active'));
  for (const { id } of active) {
    try {
      const r = await pollSenderInbound(deps, id);
      if (r?.fetched) deps.log.info({ senderId: id, ...r }, 'inbound mail processed');
    } catch (err) {
      deps.log.warn({ senderId: id, err: (err as Error).message }, 'inbound poll failed; will retry next round');
    }
  }
}
