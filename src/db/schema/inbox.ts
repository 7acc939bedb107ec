import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth.js';
import { campaigns, messages } from './campaigns.js';
import { contacts } from './contacts.js';
import { senderAccounts } from './senders.js';
import { workspaces } from './workspaces.js';

const ws = () => uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const PAGE_STATUSES = ['active', 'reconnect_needed', 'disconnected'] as const;

/** A connected Facebook Page; the page access token is a lib/crypto ciphertext. */
export const facebookPages = pgTable('facebook_pages', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  /** Facebook's page id. */
  pageId: text('page_id').notNull(),
  name: text('name').notNull(),
  accessTokenEnc: text('access_token_enc').notNull(),
  status: text('status', { enum: PAGE_STATUSES }).notNull().default('active'),
  statusReason: text('status_reason'),
  subscribedFields: text('subscribed_fields').array(),
  /** Next moment a send may go from this page (pacing under the page's rate). */
  nextSendAt: timestamp('next_send_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('facebook_pages_workspace_page_key').on(t.workspaceId, t.pageId), index('facebook_pages_page_idx').on(t.pageId)]);

/** Raw provider webhook deliveries, stored before the 200 and processed asynchronously. */
export const webhookEvents = pgTable('webhook_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  source: text('source').notNull(),
  /** Redelivery of the same event (same mid / Stripe event id) hits this key and is stored once. */
  dedupeKey: text('dedupe_key').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp('processed_at', { withTimezone: true }),
  attempts: integer('attempts').notNull().default(0),
  error: text('error'),
}, (t) => [uniqueIndex('webhook_events_dedupe_key').on(t.source, t.dedupeKey), index('webhook_events_pending_idx').on(t.source, t.processedAt)]);

export const CONVERSATION_CHANNELS = ['email', 'messenger'] as const;
export const CONVERSATION_LABELS = ['interested', 'not_interested', 'out_of_office', 'meeting_booked'] as const;

/**
 * One thread with one contact on one channel account (an inbox or a page). `threadKey` is
 * `email:<senderId>:<contactId>` or `messenger:<pageId>:<contactId>`.
 */
export const conversations = pgTable('conversations', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  channel: text('channel', { enum: CONVERSATION_CHANNELS }).notNull(),
  threadKey: text('thread_key').notNull(),
  senderId: uuid('sender_id').references(() => senderAccounts.id, { onDelete: 'set null' }),
  pageId: uuid('page_id').references(() => facebookPages.id, { onDelete: 'set null' }),
  campaignId: uuid('campaign_id').references(() => campaigns.id, { onDelete: 'set null' }),
  subject: text('subject'),
  status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
  labels: text('labels').array().notNull().default([]),
  assignedUserId: uuid('assigned_user_id').references(() => users.id, { onDelete: 'set null' }),
  unreadCount: integer('unread_count').notNull().default(0),
  lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
  /** The person's last message: Messenger's 24-hour window is counted from here. */
  lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
  lastPreview: text('last_preview'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('conversations_thread_key').on(t.workspaceId, t.threadKey),
  index('conversations_workspace_recent_idx').on(t.workspaceId, t.lastMessageAt),
  index('conversations_contact_idx').on(t.contactId),
]);

export const CONVERSATION_MESSAGE_STATUSES = ['received', 'queued', 'sent', 'delivered', 'read', 'failed', 'blocked'] as const;

export const conversationMessages = pgTable('conversation_messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  direction: text('direction', { enum: ['in', 'out'] }).notNull(),
  /** Email Message-ID or Messenger mid: a redelivered message is stored once. */
  externalId: text('external_id'),
  /** The campaign message this replies to (email) or is (outbound campaign step). */
  campaignMessageId: uuid('campaign_message_id').references(() => messages.id, { onDelete: 'set null' }),
  fromName: text('from_name'),
  fromAddress: text('from_address'),
  subject: text('subject'),
  text: text('text'),
  html: text('html'),
  /** Messenger: postback payload, attachments, quick reply; email: classification. */
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  status: text('status', { enum: CONVERSATION_MESSAGE_STATUSES }).notNull(),
  error: text('error'),
  tag: text('tag'),
  sentByUserId: uuid('sent_by_user_id').references(() => users.id, { onDelete: 'set null' }),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('conversation_messages_external_key').on(t.conversationId, t.externalId),
  index('conversation_messages_conversation_idx').on(t.conversationId, t.occurredAt),
  index('conversation_messages_external_idx').on(t.externalId),
]);

/** A Messenger broadcast to a segment of a page's subscribers. */
export const broadcasts = pgTable('broadcasts', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  pageId: uuid('page_id').notNull().references(() => facebookPages.id, { onDelete: 'cascade' }),
  segmentId: uuid('segment_id'),
  listId: uuid('list_id'),
  text: text('text').notNull(),
  /** Message tag for recipients outside the 24-hour window (only permitted tags). */
  tag: text('tag'),
  status: text('status', { enum: ['queued', 'sending', 'finished', 'failed'] }).notNull().default('queued'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
}, (t) => [index('broadcasts_workspace_idx').on(t.workspaceId, t.createdAt)]);

export const broadcastRecipients = pgTable('broadcast_recipients', {
  broadcastId: uuid('broadcast_id').notNull().references(() => broadcasts.id, { onDelete: 'cascade' }),
  contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  status: text('status', { enum: ['pending', 'sending', 'sent', 'skipped', 'failed'] }).notNull().default('pending'),
  reason: text('reason'),
  mid: text('mid'),
  attempts: integer('attempts').notNull().default(0),
  sendAt: timestamp('send_at', { withTimezone: true }),
  sentAt: timestamp('sent_at', { withTimezone: true }),
}, (t) => [uniqueIndex('broadcast_recipients_key').on(t.broadcastId, t.contactId), index('broadcast_recipients_status_idx').on(t.broadcastId, t.status)]);
