import { z } from 'zod';
import { CONVERSATION_CHANNELS, CONVERSATION_LABELS, CONVERSATION_MESSAGE_STATUSES } from '../../db/schema/index.js';

/** Request and response shapes of the inbox API (web/src/api/inbox.ts mirrors these names). */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const conversationParams = z.object({ id: z.uuid({ error: 'must be an id' }) });
export const messageParams = conversationParams.extend({ messageId: z.uuid({ error: 'must be an id' }) });

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

export const listQuery = z.object({
  channel: z.enum(CONVERSATION_CHANNELS).optional(),
  /** The email inbox (sending account) the conversation came through. */
  senderId: z.uuid().optional(),
  /** The Facebook page (our id, as in GET /pages). */
  pageId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
  status: z.enum(['open', 'closed']).optional(),
  unread: flag.optional(),
  label: z.enum(CONVERSATION_LABELS).optional(),
  /** "me", "unassigned" or a member's user id. */
  assignee: z.string().trim().refine((v) => v === 'me' || v === 'unassigned' || UUID.test(v), { error: 'must be "me", "unassigned" or a user id' }).optional(),
  /** Contact name or email, or the subject. */
  q: z.string().trim().max(200).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ListQuery = z.infer<typeof listQuery>;

const person = z.object({ id: z.uuid(), name: z.string(), email: z.string() });

export const contactSummaryOut = z.object({
  id: z.uuid(), name: z.string().nullable(), email: z.string().nullable(), company: z.string().nullable(), status: z.string(),
  messengerPsid: z.string().nullable(),
});

export const conversationOut = z.object({
  id: z.uuid(),
  channel: z.enum(CONVERSATION_CHANNELS),
  status: z.enum(['open', 'closed']),
  subject: z.string().nullable(),
  labels: z.array(z.enum(CONVERSATION_LABELS)),
  unreadCount: z.number(),
  lastMessageAt: z.string(),
  lastInboundAt: z.string().nullable(),
  lastPreview: z.string().nullable(),
  contact: contactSummaryOut,
  /** The inbox (email) or page (Messenger) the conversation runs through; null once it was removed. */
  account: z.object({ kind: z.enum(['sender', 'page']), id: z.uuid(), label: z.string(), status: z.string() }).nullable(),
  campaign: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  assignee: person.nullable(),
  createdAt: z.string(),
});
export type ConversationView = z.infer<typeof conversationOut>;

export const conversationListOut = z.object({ items: z.array(conversationOut), nextCursor: z.string().nullable() });

const labelCounts = z.object(Object.fromEntries(CONVERSATION_LABELS.map((l) => [l, z.number()])) as Record<(typeof CONVERSATION_LABELS)[number], z.ZodNumber>);

export const countsOut = z.object({
  /** Conversations with unread messages: in all, assigned to the caller, per channel and per label. */
  unread: z.number(),
  assignedToMe: z.number(),
  channels: z.object({ email: z.number(), messenger: z.number() }),
  labels: labelCounts,
});

export const messageOut = z.object({
  id: z.uuid(),
  direction: z.enum(['in', 'out']),
  status: z.enum(CONVERSATION_MESSAGE_STATUSES),
  fromName: z.string().nullable(),
  fromAddress: z.string().nullable(),
  subject: z.string().nullable(),
  text: z.string().nullable(),
  html: z.string().nullable(),
  /** Why it failed or was blocked, in the provider's or our words. */
  error: z.string().nullable(),
  tag: z.string().nullable(),
  sentBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  campaign: z.object({ id: z.uuid(), name: z.string(), step: z.number().nullable() }).nullable(),
  autoReply: z.boolean(),
  attachments: z.array(z.object({ type: z.string(), url: z.string().optional(), title: z.unknown().optional() })),
  occurredAt: z.string(),
});
export type MessageView = z.infer<typeof messageOut>;

/** The rest of the contact's story: other threads, campaign mail that got no answer, events. */
export const historyItemOut = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'), id: z.uuid(), conversationId: z.uuid(), channel: z.enum(CONVERSATION_CHANNELS), direction: z.enum(['in', 'out']),
    status: z.string(), subject: z.string().nullable(), text: z.string().nullable(), fromName: z.string().nullable(), occurredAt: z.string(),
  }),
  z.object({
    kind: z.literal('campaign_message'), id: z.uuid(), campaign: z.object({ id: z.uuid(), name: z.string() }), step: z.number(),
    subject: z.string().nullable(), text: z.string().nullable(), occurredAt: z.string(),
  }),
  z.object({
    kind: z.literal('event'), id: z.string(), type: z.string(), channel: z.string().nullable(), campaign: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    detail: z.string().nullable(), occurredAt: z.string(),
  }),
]);
export type HistoryItem = z.infer<typeof historyItemOut>;

/** Whether a reply may go now and how; for Messenger this is the 24-hour / HUMAN_AGENT rule. */
export const replyStateOut = z.object({
  channel: z.enum(CONVERSATION_CHANNELS),
  allowed: z.boolean(),
  /** Why not, when not allowed. */
  reason: z.string().nullable(),
  /** Email: the address the reply goes to. */
  to: z.string().nullable(),
  /** Messenger: RESPONSE or MESSAGE_TAG, the tag, and when this window closes. */
  messagingType: z.string().nullable(),
  tag: z.string().nullable(),
  windowClosesAt: z.string().nullable(),
});
export type ReplyState = z.infer<typeof replyStateOut>;

export const threadOut = z.object({
  conversation: conversationOut,
  messages: z.array(messageOut),
  history: z.array(historyItemOut),
  reply: replyStateOut,
});

export const threadQuery = z.object({ markRead: flag.default(true) });

export const updateBody = z.object({
  status: z.enum(['open', 'closed']).optional(),
  labels: z.array(z.enum(CONVERSATION_LABELS, { error: `must be one of ${CONVERSATION_LABELS.join(', ')}` })).max(CONVERSATION_LABELS.length).optional(),
  assignedUserId: z.uuid({ error: 'must be a user id' }).nullable().optional(),
  /** true marks the conversation unread again; false marks it read. */
  unread: z.boolean().optional(),
}).strict();
export type UpdateInput = z.infer<typeof updateBody>;

export const replyBody = z.object({
  text: z.string().max(100_000),
  /** Email only: an HTML version of the reply. */
  html: z.string().max(500_000).optional(),
  /** Messenger only: HUMAN_AGENT is the one tag a reply typed in the inbox may use (after 24 hours, up to 7 days). */
  tag: z.literal('HUMAN_AGENT', { error: 'must be HUMAN_AGENT: the only tag for a reply a person types' }).optional(),
}).strict();
export type ReplyInput = z.infer<typeof replyBody>;

export const replyOut = z.object({ message: messageOut });
