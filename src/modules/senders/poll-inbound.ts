import { and, eq, sql } from 'drizzle-orm';
import { classifyInbound, type InboundClassification } from '../../channels/inbound/classify.js';
import type { InboundEmail } from '../../channels/types.js';
import type { Db } from '../../db/client.js';
import { contactEvents, contacts, senderAccounts } from '../../db/schema/index.js';
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

/**
 * What one inbound email means for the contact: a hard bounce marks the address bounced and
 * suppresses it; a person's reply is a "replied" event (what stop rules act on); an automatic
 * answer is recorded as received and never counts as a reply.
 */
async function recordInbound(deps: Deps, sender: SenderRow, email: InboundEmail, cls: InboundClassification): Promise<InboundClassification['kind'] | null> {
  const base = { senderId: sender.id, providerId: email.providerId, messageId: email.messageId, subject: email.subject, matchedMessageIds: cls.matchedMessageIds };
  if (cls.kind === 'bounce' && cls.bounce) {
    const contact = await findContact(deps.db, sender.workspaceId, cls.bounce.recipient);
    if (!contact) return null;
    await deps.db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      if (cls.bounce!.type === 'hard') {
        await tx.update(contacts).set({ status: 'bounced', updatedAt: new Date() }).where(and(eq(contacts.id, contact.id), eq(contacts.status, 'active')));
        await addSuppressions(t, sender.workspaceId, [{ kind: 'email', value: contact.email!, reason: 'bounce', note: `${cls.bounce!.status} ${cls.bounce!.diagnostic}`.slice(0, 500) }]);
      }
      await tx.insert(contactEvents).values({ workspaceId: sender.workspaceId, contactId: contact.id, type: 'bounced', channel: 'email', metadata: { ...base, bounceType: cls.bounce!.type, status: cls.bounce!.status, diagnostic: cls.bounce!.diagnostic, originalMessageId: cls.bounce!.originalMessageId } });
    });
    return 'bounce';
  }
  const contact = await findContact(deps.db, sender.workspaceId, email.from?.address);
  if (!contact) return null;
  const type = cls.kind === 'reply' ? 'replied' : 'received';
  await deps.db.insert(contactEvents).values({ workspaceId: sender.workspaceId, contactId: contact.id, type, channel: 'email', occurredAt: email.date, metadata: { ...base, autoReply: cls.kind === 'auto_reply', inReplyTo: email.inReplyTo } });
  return cls.kind;
}

/** Reads new mail of one account and records what it means; the cursor moves only after recording. */
export async function pollSenderInbound(deps: Deps, senderId: string): Promise<PollResult | null> {
  const [sender] = await deps.db.select().from(senderAccounts).where(eq(senderAccounts.id, senderId));
  if (!sender || sender.status !== 'active') return null;
  const channel = openChannel(deps, sender);
  const result: PollResult = { fetched: 0, replies: 0, autoReplies: 0, bounces: 0, resynced: false };
  try {
    const batch = await channel.fetchInbound(sender.inboundCursor);
    result.fetched = batch.messages.length;
    result.resynced = Boolean(batch.resynced);
    for (const email of batch.messages) {
      if (await alreadyRecorded(deps.db, sender, email.providerId)) continue;
      const kind = await recordInbound(deps, sender, email, classifyInbound(email));
      if (kind === 'reply') result.replies++;
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
