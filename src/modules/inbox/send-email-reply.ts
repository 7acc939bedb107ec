import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contactEvents, conversationMessages, senderAccounts } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';
import type { Deps } from '../../http/context.js';
import { conflict, fieldError } from '../../lib/problems.js';
import { markReconnectNeeded, openChannel } from '../senders/open-channel.js';
import { escapeHtml, textToHtml } from '../tracking/html.js';
import { touchConversation } from './conversation-store.js';
import type { ConversationRow } from './conversation-rows.js';
import { lastInbound } from './reply-state.js';

export type EmailReplyResult =
  | { status: 'sent'; messageId: string }
  | { status: 'failed'; messageId: string; kind: string; error: string };

/** A Message-ID as it appears in headers; our fallbacks for mail without one ("provider:…") are not. */
const isMessageId = (v: unknown): v is string => typeof v === 'string' && /^<[^<>\s]+@[^<>\s]+>$/.test(v);
/** Mail clients cut References down to the first and the newest ids; so do we, past this many. */
const MAX_REFERENCES = 20;
const QUOTE_LINES = 60;

/** "Re: " once: an answer to "Re: Idea" or "RE: Idea" or "Aw: Idea" keeps its subject. */
export function replySubject(subject: string | null | undefined): string {
  const s = (subject ?? '').replace(/[\r\n]+/g, ' ').trim();
  if (/^(re|aw|sv|antw|vs)\s*(\[\d+\])?\s*:/i.test(s)) return s;
  return s ? `Re: ${s}` : 'Re:';
}

/**
 * RFC 5322 §3.6.4: the parent's References (or what the thread knows) followed by the parent's
 * own Message-ID, each once, oldest first.
 */
export function buildReferences(parentReferences: string[], threadIds: string[], parentId: string | null): string[] {
  const ids: string[] = [];
  for (const id of [...parentReferences, ...threadIds]) if (isMessageId(id) && id !== parentId && !ids.includes(id)) ids.push(id);
  if (parentId) ids.push(parentId);
  return ids.length > MAX_REFERENCES ? [ids[0]!, ...ids.slice(-(MAX_REFERENCES - 1))] : ids;
}

type QuotedMessage = { text: string | null; fromName: string | null; fromAddress: string | null; occurredAt: Date };

/** "On <date>, <who> wrote:" and the first lines of the answered message; null when it has no text. */
type Quote = { intro: string; lines: string[] } | null;

function quoteOf(parent: QuotedMessage | null): Quote {
  if (!parent?.text?.trim()) return null;
  const who = parent.fromName ? `${parent.fromName} <${parent.fromAddress}>` : parent.fromAddress ?? 'they';
  const lines = parent.text.replace(/\r\n/g, '\n').trimEnd().split('\n').slice(0, QUOTE_LINES);
  return { intro: `On ${parent.occurredAt.toUTCString()}, ${who} wrote:`, lines };
}

/** The reply as the person typed it, then the inbox signature, then the quote: in text… */
function replyText(typed: string, signature: string | null, quote: Quote): string {
  const sig = signature ? `\n\n${signature}` : '';
  const quoted = quote ? `\n\n${quote.intro}\n${quote.lines.map((l) => `> ${l}`).join('\n')}\n` : '';
  return `${typed.trimEnd()}${sig}${quoted}`;
}

/** …and in HTML, the quote as the blockquote mail clients fold away. The quoted text is escaped, never the other side's HTML. */
function replyHtml(typed: string, signature: string | null, quote: Quote): string {
  const sig = signature ? `<br><br>${textToHtml(signature)}` : '';
  const quoted = quote
    ? `<br><div>${escapeHtml(quote.intro)}</div><blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${textToHtml(quote.lines.join('\n'))}</blockquote>`
    : '';
  return `${typed}${sig}${quoted}`;
}

/** The provider thread to continue (Gmail threadId): the answered message's, else the thread's newest known. */
async function providerThreadOf(db: Db, conversationId: string, parentMetadata: Record<string, unknown> | undefined): Promise<string | null> {
  if (typeof parentMetadata?.providerThreadId === 'string') return parentMetadata.providerThreadId;
  const [row] = await queryRows<{ thread: string }>(db, sql`
    SELECT coalesce(cm.metadata->>'providerThreadId', m.provider_thread_id) AS thread
    FROM conversation_messages cm LEFT JOIN messages m ON m.id = cm.campaign_message_id
    WHERE cm.conversation_id = ${conversationId} AND coalesce(cm.metadata->>'providerThreadId', m.provider_thread_id) IS NOT NULL
    ORDER BY cm.occurred_at DESC LIMIT 1`);
  return row?.thread ?? null;
}

/**
 * A reply typed in the inbox, sent through the inbox the conversation came in on and threaded
 * on the person's last message (In-Reply-To, References, "Re:" subject, Gmail's thread). It is
 * one person writing to another: no tracking, no unsubscribe footer, only the inbox signature.
 * The outcome is stored in the thread either way, with the server's answer when it failed.
 */
export async function sendEmailReply(deps: Pick<Deps, 'db' | 'config' | 'log'>, input: {
  conversation: ConversationRow; text: string; html?: string; userId: string | null; now?: Date;
}): Promise<EmailReplyResult> {
  const { conversation: c } = input;
  if (!input.text.trim()) throw fieldError('text', 'is required');
  const [sender] = c.sender_id ? await deps.db.select().from(senderAccounts).where(and(eq(senderAccounts.id, c.sender_id), eq(senderAccounts.workspaceId, c.workspace_id))) : [];
  if (!sender) throw conflict('The inbox this conversation came through was removed; connect it again to reply from here.');
  if (sender.status === 'reconnect_needed') throw conflict(`${sender.email} needs to be reconnected before it can send${sender.statusReason ? `: ${sender.statusReason}` : '.'}`);

  const parent = await lastInbound(deps.db, c.id);
  const to = parent?.fromAddress ?? c.contact_email;
  if (!to) throw conflict('This contact has no email address to reply to.');
  const thread = await deps.db.select({ externalId: conversationMessages.externalId }).from(conversationMessages)
    .where(eq(conversationMessages.conversationId, c.id)).orderBy(asc(conversationMessages.occurredAt));
  const parentId = isMessageId(parent?.externalId) ? parent.externalId : null;
  const parentRefs = Array.isArray(parent?.metadata.references) ? (parent.metadata.references as string[]) : [];
  const references = buildReferences(parentRefs, thread.map((m) => m.externalId ?? ''), parentId);
  const providerThreadId = await providerThreadOf(deps.db, c.id, parent?.metadata);
  const subject = replySubject(parent?.subject ?? c.subject);

  const id = randomUUID();
  const domain = sender.sendingDomain ?? sender.email.split('@')[1]!;
  const messageId = `<${id}@${domain}>`;
  const quote = quoteOf(parent);
  const text = replyText(input.text, sender.signature, quote);
  const html = input.html === undefined ? null : replyHtml(input.html, sender.signature, quote);
  // A reply comes after what it answers, even when the other side's clock (its Date header) runs ahead.
  const now = new Date(Math.max((input.now ?? new Date()).getTime(), (parent?.occurredAt.getTime() ?? 0) + 1));
  const metadata = { inReplyTo: parentId, references, providerThreadId, manual: true };
  await deps.db.insert(conversationMessages).values({
    id, workspaceId: c.workspace_id, conversationId: c.id, direction: 'out', externalId: messageId, fromName: sender.fromName, fromAddress: sender.email,
    subject, text, html, status: 'queued', sentByUserId: input.userId, occurredAt: now, metadata,
  });

  const channel = openChannel(deps, sender);
  let result;
  try {
    result = await channel.send({
      from: { name: sender.fromName, address: sender.email },
      to: { name: parent?.fromName ?? null, address: to },
      subject, text, html, messageId, inReplyTo: parentId, references, providerThreadId,
    });
  } finally {
    await channel.close();
  }

  if (!result.ok) {
    const error = `${result.code ? `${result.code} ` : ''}${result.message}`.slice(0, 2000);
    if (result.kind === 'auth') await markReconnectNeeded(deps.db, sender.id, error);
    await deps.db.update(conversationMessages).set({ status: 'failed', error }).where(eq(conversationMessages.id, id));
    deps.log.info({ conversationId: c.id, senderId: sender.id, kind: result.kind }, 'inbox email reply refused by the server');
    return { status: 'failed', messageId: id, kind: result.kind, error };
  }
  await deps.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.update(conversationMessages).set({
      status: 'sent', error: null,
      metadata: { ...metadata, providerThreadId: result.providerThreadId ?? providerThreadId, providerMessageId: result.providerMessageId ?? null, response: result.response ?? null },
    }).where(eq(conversationMessages.id, id));
    await touchConversation(t, c.id, { at: now, preview: input.text.trim().slice(0, 200), inbound: false });
    await t.insert(contactEvents).values({
      workspaceId: c.workspace_id, contactId: c.contact_id, type: 'sent', channel: 'email', occurredAt: now,
      metadata: { senderId: sender.id, conversationId: c.id, conversationMessageId: id, messageId, manual: true },
    });
  });
  return { status: 'sent', messageId: id };
}
