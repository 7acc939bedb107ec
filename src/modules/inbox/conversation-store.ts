import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { conversations } from '../../db/schema/index.js';

/** One thread per contact per inbox (email) or per page (Messenger). */
export const emailThreadKey = (senderId: string, contactId: string) => `email:${senderId}:${contactId}`;
export const messengerThreadKey = (pageRowId: string, contactId: string) => `messenger:${pageRowId}:${contactId}`;

export interface ConversationKey {
  workspaceId: string;
  contactId: string;
  channel: 'email' | 'messenger';
  threadKey: string;
  senderId?: string | null;
  pageId?: string | null;
  campaignId?: string | null;
  subject?: string | null;
  at: Date;
}

/** The conversation for a thread key, created on first use (concurrent callers get the same row). */
export async function findOrCreateConversation(db: Db, key: ConversationKey): Promise<{ id: string }> {
  const [created] = await db.insert(conversations).values({
    workspaceId: key.workspaceId, contactId: key.contactId, channel: key.channel, threadKey: key.threadKey,
    senderId: key.senderId ?? null, pageId: key.pageId ?? null, campaignId: key.campaignId ?? null, subject: key.subject ?? null, lastMessageAt: key.at,
  }).onConflictDoNothing({ target: [conversations.workspaceId, conversations.threadKey] }).returning({ id: conversations.id });
  if (created) return created;
  const [row] = await db.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.workspaceId, key.workspaceId), eq(conversations.threadKey, key.threadKey)));
  return row!;
}

/** The conversation for a thread key, if it exists (receipts never create one). */
export async function findConversationByKey(db: Db, workspaceId: string, threadKey: string): Promise<{ id: string } | null> {
  const [row] = await db.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.threadKey, threadKey)));
  return row ?? null;
}

/** The newest message moves the conversation up; only a person's message counts as unread and opens the window. */
export async function touchConversation(db: Db, conversationId: string, input: { at: Date; preview: string; inbound: boolean; labels?: string[] }) {
  const at = input.at.toISOString();
  await db.update(conversations).set({
    lastMessageAt: sql`GREATEST(${conversations.lastMessageAt}, ${at}::timestamptz)`,
    lastPreview: sql`CASE WHEN ${conversations.lastMessageAt} <= ${at}::timestamptz THEN ${input.preview} ELSE ${conversations.lastPreview} END`,
    ...(input.inbound && {
      lastInboundAt: sql`GREATEST(COALESCE(${conversations.lastInboundAt}, ${at}::timestamptz), ${at}::timestamptz)`,
      unreadCount: sql`${conversations.unreadCount} + 1`,
      status: 'open' as const,
    }),
    ...(input.labels?.length && {
      labels: sql`ARRAY(SELECT DISTINCT unnest(${conversations.labels} || ARRAY[${sql.join(input.labels.map((l) => sql`${l}`), sql`, `)}]::text[]))`,
    }),
    updatedAt: new Date(),
  }).where(eq(conversations.id, conversationId));
}
