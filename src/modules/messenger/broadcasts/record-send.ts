import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { contactEvents, conversationMessages } from '../../../db/schema/index.js';
import { queryRows } from '../../../db/sql-helpers.js';
import type { Deps } from '../../../http/context.js';
import type { SendMessageResult } from '../../../channels/messenger/index.js';
import { releaseMessages } from '../../billing/quota.js';
import { markReconnectNeeded } from '../pages.js';
import { findOrCreateConversation, touchConversation } from '../../inbox/conversation-store.js';
import { publishConversationUpdated } from '../../inbox/inbox-events.js';
import { echoDuplicateOf, pageConversation } from '../record-event.js';
import { INTERRUPTED_REASON, type ClaimedSend } from './claim-recipient.js';

/** Tries per recipient before a passing failure (rate limit, 5xx, network) becomes final. */
export const MAX_ATTEMPTS = 5;
/** Backoff for a passing failure without a hint from Facebook: 30 s, 1, 2, 4 min… */
const backoffSeconds = (attempts: number) => Math.min(30 * 2 ** (attempts - 1), 900);

export type SendOutcome =
  | { status: 'sent' }
  | { status: 'failed'; reason: string }
  | { status: 'retry'; at: Date; reason: string }
  /** The page's token was refused (190): the page needs reconnecting and the broadcast waits for it. */
  | { status: 'paused'; reason: string };

/** The recipient row this send holds (or held, if its lease ran out meanwhile and it was marked interrupted). */
const heldRow = (c: ClaimedSend) => sql`broadcast_id = ${c.broadcastId} AND contact_id = ${c.contactId} AND (status = 'sending' OR (status = 'failed' AND reason = ${INTERRUPTED_REASON}))`;

/** A send that did not happen gives its quota unit back. */
async function giveBack(t: Db, c: ClaimedSend) {
  if (c.quotaMonth) await releaseMessages(t, c.workspaceId, c.quotaMonth);
}

/**
 * A sent broadcast message lands in the person's Messenger conversation as an outbound message
 * (the echo Facebook sends back may have been stored first; ours is the record), and counts as
 * 'sent' on the contact, like any other send.
 */
async function recordSent(t: Db, c: ClaimedSend, mid: string, now: Date): Promise<string | null> {
  const updated = await queryRows<{ contact_id: string }>(t, sql`UPDATE broadcast_recipients SET status = 'sent', mid = ${mid}, reason = NULL, sent_at = ${now.toISOString()}::timestamptz
    WHERE ${heldRow(c)} RETURNING contact_id`);
  if (!updated.length) return null;
  const conversation = await findOrCreateConversation(t, pageConversation(c.workspaceId, c.page.id, c.contactId, now));
  await t.delete(conversationMessages).where(echoDuplicateOf(conversation.id, mid));
  const [message] = await t.insert(conversationMessages).values({
    workspaceId: c.workspaceId, conversationId: conversation.id, direction: 'out', externalId: mid, text: c.text, status: 'sent', tag: c.decision.tag,
    fromName: c.page.name, fromAddress: c.page.pageId, sentByUserId: c.createdBy, occurredAt: now,
    metadata: { source: 'broadcast', broadcastId: c.broadcastId, messagingType: c.decision.messagingType },
  }).onConflictDoNothing({ target: [conversationMessages.conversationId, conversationMessages.externalId] }).returning({ id: conversationMessages.id });
  await touchConversation(t, conversation.id, { at: now, preview: c.text.slice(0, 200), inbound: false });
  await t.insert(contactEvents).values({
    workspaceId: c.workspaceId, contactId: c.contactId, type: 'sent', channel: 'messenger', occurredAt: now,
    metadata: { pageId: c.page.id, broadcastId: c.broadcastId, conversationId: conversation.id, conversationMessageId: message?.id ?? null, mid },
  });
  return conversation.id;
}

/**
 * Stores what the Send API answered for one claimed recipient, following the channel's
 * classification: sent → the conversation; 190 → page "reconnect needed", the person goes back
 * to pending and the broadcast waits; outside the window → failed, not retried; 551 → failed,
 * contact unavailable; rate limit or a passing failure → pending again after the backoff (a rate
 * limit also holds the whole page back), failed after MAX_ATTEMPTS; anything else → failed.
 */
export async function recordSend(deps: Deps, c: ClaimedSend, res: SendMessageResult, now: Date): Promise<SendOutcome> {
  let landedIn: string | null = null;
  const outcome = await deps.db.transaction(async (tx): Promise<SendOutcome> => {
    const t = tx as unknown as Db;
    if (res.ok) {
      landedIn = await recordSent(t, c, res.mid, now);
      return { status: 'sent' };
    }
    await giveBack(t, c);
    const fail = async (reason: string): Promise<SendOutcome> => {
      await t.execute(sql`UPDATE broadcast_recipients SET status = 'failed', reason = ${reason} WHERE ${heldRow(c)}`);
      return { status: 'failed', reason };
    };
    switch (res.kind) {
      case 'auth': {
        const why = `Facebook no longer accepts the page's access (${res.message}); reconnect the page.`;
        await markReconnectNeeded(t, c.page.id, why);
        // Not this person's failure: they are sent to once the page is reconnected.
        await t.execute(sql`UPDATE broadcast_recipients SET status = 'pending', send_at = NULL, attempts = greatest(attempts - 1, 0), reason = NULL WHERE ${heldRow(c)}`);
        return { status: 'paused', reason: why };
      }
      case 'outside_window':
        return fail(`outside Messenger's messaging window (${res.message}); not retried — the person has to write to the page first.`);
      case 'unavailable':
        return fail(`contact unavailable: ${res.message}`);
      case 'rate_limited':
      case 'transient': {
        if (c.attempts >= MAX_ATTEMPTS) return fail(`gave up after ${c.attempts} attempts: ${res.message}`);
        const wait = res.retryAfterSeconds ?? backoffSeconds(c.attempts);
        const at = new Date(now.getTime() + wait * 1000);
        const reason = `retrying after ${wait} s: ${res.message}`;
        await t.execute(sql`UPDATE broadcast_recipients SET status = 'pending', send_at = ${at.toISOString()}::timestamptz, reason = ${reason} WHERE ${heldRow(c)}`);
        // A rate limit is the page's (or the app's): no send from the page until it lifts.
        if (res.kind === 'rate_limited') {
          await t.execute(sql`UPDATE facebook_pages SET next_send_at = greatest(coalesce(next_send_at, ${at.toISOString()}::timestamptz), ${at.toISOString()}::timestamptz) WHERE id = ${c.page.id}`);
        }
        return { status: 'retry', at, reason };
      }
      default:
        return fail(res.message);
    }
  });
  if (landedIn) await publishConversationUpdated(deps, c.workspaceId, landedIn);
  return outcome;
}
