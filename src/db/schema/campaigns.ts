import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, date } from 'drizzle-orm/pg-core';
import { users } from './auth.js';
import { contacts, lists, segments } from './contacts.js';
import { senderAccounts } from './senders.js';
import { workspaces } from './workspaces.js';

const ws = () => uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'stopped', 'finished'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const campaigns = pgTable('campaigns', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  name: text('name').notNull(),
  status: text('status', { enum: CAMPAIGN_STATUSES }).notNull().default('draft'),
  /** IANA zone the sending window is read in (unless useContactTimezone and the contact has one). */
  timezone: text('timezone').notNull().default('UTC'),
  /** ISO weekdays the window is open: 1 = Monday … 7 = Sunday. */
  sendDays: integer('send_days').array().notNull().default([1, 2, 3, 4, 5]),
  /** Window as minutes after local midnight, [start, end). */
  windowStartMinute: integer('window_start_minute').notNull().default(9 * 60),
  windowEndMinute: integer('window_end_minute').notNull().default(17 * 60),
  useContactTimezone: boolean('use_contact_timezone').notNull().default(false),
  startAt: timestamp('start_at', { withTimezone: true }),
  /** New contacts (first steps) per day across all its inboxes; null = no campaign limit. */
  dailyNewLimit: integer('daily_new_limit'),
  stopOnReply: boolean('stop_on_reply').notNull().default(true),
  stopOnClick: boolean('stop_on_click').notNull().default(false),
  stopOnDomainReply: boolean('stop_on_domain_reply').notNull().default(false),
  trackOpens: boolean('track_opens').notNull().default(true),
  trackClicks: boolean('track_clicks').notNull().default(true),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  launchedAt: timestamp('launched_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('campaigns_workspace_idx').on(t.workspaceId, t.createdAt), index('campaigns_status_idx').on(t.status)]);

/** Inboxes a campaign rotates across. */
export const campaignSenders = pgTable('campaign_senders', {
  campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
  senderId: uuid('sender_id').notNull().references(() => senderAccounts.id, { onDelete: 'cascade' }),
}, (t) => [primaryKey({ columns: [t.campaignId, t.senderId] }), index('campaign_senders_sender_idx').on(t.senderId)]);

/** The audience: lists and segments, evaluated when the campaign enrolls. */
export const campaignAudience = pgTable('campaign_audience', {
  id: uuid('id').primaryKey().defaultRandom(),
  campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
  listId: uuid('list_id').references(() => lists.id, { onDelete: 'cascade' }),
  segmentId: uuid('segment_id').references(() => segments.id, { onDelete: 'cascade' }),
}, (t) => [index('campaign_audience_campaign_idx').on(t.campaignId)]);

export const campaignSteps = pgTable('campaign_steps', {
  id: uuid('id').primaryKey().defaultRandom(),
  campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
  /** 1-based order in the sequence. */
  position: integer('position').notNull(),
  /** Wait after the previous step was sent (ignored for step 1). */
  delayMinutes: integer('delay_minutes').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('campaign_steps_position_key').on(t.campaignId, t.position)]);

/** A/B/n variants of one step; the split is by weight. Step 2+ subjects default to "Re: <step 1 subject>". */
export const stepVariants = pgTable('step_variants', {
  id: uuid('id').primaryKey().defaultRandom(),
  stepId: uuid('step_id').notNull().references(() => campaignSteps.id, { onDelete: 'cascade' }),
  label: text('label').notNull(),
  /** Null on follow-ups means "reply in the thread" (Re: + the first subject). */
  subject: text('subject'),
  bodyText: text('body_text').notNull(),
  bodyHtml: text('body_html'),
  weight: integer('weight').notNull().default(1),
  createdAt: createdAt(),
}, (t) => [index('step_variants_step_idx').on(t.stepId)]);

export const ENROLLMENT_STATUSES = ['active', 'completed', 'stopped'] as const;

/** One contact in one campaign: where it is in the sequence and which inbox owns its thread. */
export const enrollments = pgTable('enrollments', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
  contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  status: text('status', { enum: ENROLLMENT_STATUSES }).notNull().default('active'),
  /** Position of the last step that went out (0 = none yet). */
  lastStep: integer('last_step').notNull().default(0),
  /** Sticky inbox: follow-ups go from the inbox that sent step 1, in its thread. */
  senderId: uuid('sender_id').references(() => senderAccounts.id, { onDelete: 'set null' }),
  threadMessageId: text('thread_message_id'),
  threadReferences: text('thread_references').array(),
  threadSubject: text('thread_subject'),
  providerThreadId: text('provider_thread_id'),
  stopReason: text('stop_reason'),
  enrolledAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('enrollments_campaign_contact_key').on(t.campaignId, t.contactId),
  index('enrollments_contact_idx').on(t.contactId, t.status),
]);

export const MESSAGE_STATUSES = ['scheduled', 'paused', 'sending', 'sent', 'failed', 'skipped', 'uncertain'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * One email to send. A unique (enrollment, step) key makes a duplicate row impossible; status
 * 'sending' plus a lease marks a send in flight, so a crashed worker's messages are found and
 * checked at the provider instead of blindly sent again.
 */
export const messages = pgTable('messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
  enrollmentId: uuid('enrollment_id').notNull().references(() => enrollments.id, { onDelete: 'cascade' }),
  contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  stepPosition: integer('step_position').notNull(),
  stepId: uuid('step_id').references(() => campaignSteps.id, { onDelete: 'set null' }),
  variantId: uuid('variant_id').references(() => stepVariants.id, { onDelete: 'set null' }),
  /** Pinned for follow-ups; chosen by rotation at claim time for first steps. */
  senderId: uuid('sender_id').references(() => senderAccounts.id, { onDelete: 'set null' }),
  status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('scheduled'),
  sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  leasedBy: text('leased_by'),
  /** Our RFC 5322 Message-ID, fixed before the first attempt so a crash can be looked up. */
  messageIdHeader: text('message_id_header'),
  toEmail: text('to_email'),
  subject: text('subject'),
  bodyText: text('body_text'),
  bodyHtml: text('body_html'),
  providerMessageId: text('provider_message_id'),
  providerThreadId: text('provider_thread_id'),
  /** Why it failed, was skipped or is uncertain, in words a user can act on. */
  reason: text('reason'),
  errorKind: text('error_kind'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('messages_enrollment_step_key').on(t.enrollmentId, t.stepPosition),
  index('messages_due_idx').on(t.sendAt).where(sql`status = 'scheduled'`),
  index('messages_inflight_idx').on(t.leaseUntil).where(sql`status = 'sending'`),
  index('messages_campaign_idx').on(t.campaignId, t.status),
  // Keyset pages of a campaign's messages (GET /campaigns/:id/messages) without sorting them all.
  index('messages_campaign_send_idx').on(t.campaignId, t.sendAt, t.id),
  index('messages_contact_idx').on(t.contactId),
  index('messages_message_id_idx').on(t.messageIdHeader),
]);

/** Links in a sent body; a click token names (message, index), so only these URLs are reachable. */
export const messageLinks = pgTable('message_links', {
  messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  position: integer('position').notNull(),
  url: text('url').notNull(),
}, (t) => [primaryKey({ columns: [t.messageId, t.position] })]);

/**
 * Counters the claim updates under a row lock, so caps hold with any number of workers:
 * `sender:<id>` (per-inbox daily sends) and `campaign:<id>` (new contacts per day).
 */
export const sendCounters = pgTable('send_counters', {
  key: text('key').notNull(),
  day: date('day').notNull(),
  count: integer('count').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.key, t.day] })]);

/** Per-inbox pacing: the earliest time the next message may leave this inbox. */
export const senderPacing = pgTable('sender_pacing', {
  senderId: uuid('sender_id').primaryKey().references(() => senderAccounts.id, { onDelete: 'cascade' }),
  nextSendAt: timestamp('next_send_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Opens and clicks as they arrive (contact_events keeps the contact-facing history). */
export const trackingEvents = pgTable('tracking_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  workspaceId: ws(),
  messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: ['open', 'click'] }).notNull(),
  linkPosition: integer('link_position'),
  /** Known prefetchers and privacy proxies (Apple MPP, Gmail image proxy, scanners). */
  automated: boolean('automated').notNull().default(false),
  userAgent: text('user_agent'),
  ip: text('ip'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('tracking_events_message_idx').on(t.messageId, t.kind)]);
