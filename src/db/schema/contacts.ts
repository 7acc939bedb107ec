import { sql } from 'drizzle-orm';
import { bigserial, boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
import { users } from './auth.js';
import { workspaces } from './workspaces.js';

export const CONTACT_STATUSES = ['active', 'unsubscribed', 'bounced', 'complained', 'erased'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

const ws = () => uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const contacts = pgTable('contacts', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  /** Lower-cased and trimmed; null for a Messenger-only subscriber. */
  email: text('email'),
  firstName: text('first_name'),
  lastName: text('last_name'),
  company: text('company'),
  title: text('title'),
  phone: text('phone'),
  timeZone: text('time_zone'),
  /** Values of the workspace's custom fields, by key, already coerced to their type. */
  custom: jsonb('custom').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
  status: text('status', { enum: CONTACT_STATUSES }).notNull().default('active'),
  source: text('source'),
  /** Page-scoped id from Messenger (set by the Messenger channel). */
  messengerPsid: text('messenger_psid'),
  messengerPageId: text('messenger_page_id'),
  /** Flagged at import: role addresses (info@, sales@…) rarely belong to one person. */
  isRoleAddress: boolean('is_role_address').notNull().default(false),
  /** The import that created this contact: lets a merge that failed half-way delete what it added. */
  importId: uuid('import_id'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('contacts_workspace_email_key').on(t.workspaceId, t.email),
  uniqueIndex('contacts_workspace_psid_key').on(t.workspaceId, t.messengerPageId, t.messengerPsid),
  index('contacts_workspace_created_idx').on(t.workspaceId, t.createdAt, t.id),
  index('contacts_workspace_status_idx').on(t.workspaceId, t.status),
  index('contacts_tags_idx').using('gin', t.tags),
]);

export const customFields = pgTable('custom_fields', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  key: text('key').notNull(),
  label: text('label').notNull(),
  type: text('type', { enum: CUSTOM_FIELD_TYPES }).notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('custom_fields_workspace_key').on(t.workspaceId, t.key)]);

export const lists = pgTable('lists', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  name: text('name').notNull(),
  description: text('description'),
  createdAt: createdAt(),
}, (t) => [index('lists_workspace_idx').on(t.workspaceId)]);

export const listMembers = pgTable('list_members', {
  listId: uuid('list_id').notNull().references(() => lists.id, { onDelete: 'cascade' }),
  contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  /** Set when an import added the membership, so a failed import can take it back. */
  importId: uuid('import_id'),
}, (t) => [primaryKey({ columns: [t.listId, t.contactId] }), index('list_members_contact_idx').on(t.contactId)]);

export const segments = pgTable('segments', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  name: text('name').notNull(),
  /** A SegmentFilter (modules/contacts/segment-filter.ts), compiled to SQL on use. */
  filter: jsonb('filter').notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('segments_workspace_idx').on(t.workspaceId)]);

export const SUPPRESSION_KINDS = ['email', 'domain', 'email_hash'] as const;
export const SUPPRESSION_REASONS = ['unsubscribe', 'bounce', 'complaint', 'manual', 'import', 'erasure'] as const;

/** Addresses and domains no campaign may ever send to; erased contacts leave only a salted hash. */
export const suppressions = pgTable('suppressions', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  kind: text('kind', { enum: SUPPRESSION_KINDS }).notNull(),
  value: text('value').notNull(),
  reason: text('reason', { enum: SUPPRESSION_REASONS }).notNull(),
  note: text('note'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('suppressions_workspace_kind_value').on(t.workspaceId, t.kind, t.value)]);

export const EVENT_TYPES = ['sent', 'delivered', 'opened', 'clicked', 'replied', 'bounced', 'unsubscribed', 'complained', 'received', 'read'] as const;
export type ContactEventType = (typeof EVENT_TYPES)[number];

/** What happened with a contact, on any channel; segments and the timeline read it. */
export const contactEvents = pgTable('contact_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  workspaceId: ws(),
  contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  type: text('type', { enum: EVENT_TYPES }).notNull(),
  channel: text('channel'),
  campaignId: uuid('campaign_id'),
  messageId: uuid('message_id'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('contact_events_contact_idx').on(t.contactId, t.occurredAt),
  index('contact_events_workspace_type_idx').on(t.workspaceId, t.type, t.campaignId),
]);

/** Long-running work (imports, exports) with progress, read at GET /jobs/:id. */
export const tasks = pgTable('tasks', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  kind: text('kind').notNull(),
  status: text('status', { enum: ['pending', 'running', 'completed', 'failed'] }).notNull().default('pending'),
  progressDone: integer('progress_done').notNull().default(0),
  progressTotal: integer('progress_total'),
  result: jsonb('result').$type<Record<string, unknown>>(),
  error: text('error'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
}, (t) => [index('tasks_workspace_idx').on(t.workspaceId, t.createdAt)]);

export const IMPORT_STATUSES = ['uploaded', 'queued', 'running', 'completed', 'failed'] as const;

/** A CSV upload: kept on disk until imported; mapping and options chosen after the preview. */
export const contactImports = pgTable('contact_imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: ws(),
  taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'set null' }),
  filename: text('filename').notNull(),
  storedPath: text('stored_path').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  delimiter: text('delimiter').notNull(),
  headers: text('headers').array().notNull(),
  preview: jsonb('preview').$type<string[][]>().notNull(),
  mapping: jsonb('mapping').$type<Record<string, string>>(),
  options: jsonb('options').$type<{ dedupe: 'skip' | 'update'; listId: string | null; importValidRows: boolean }>(),
  status: text('status', { enum: IMPORT_STATUSES }).notNull().default('uploaded'),
  totalRows: integer('total_rows'),
  createdCount: integer('created_count').notNull().default(0),
  updatedCount: integer('updated_count').notNull().default(0),
  skippedCount: integer('skipped_count').notNull().default(0),
  error: text('error'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
}, (t) => [index('contact_imports_workspace_idx').on(t.workspaceId, t.createdAt)]);

/** Per-row outcome of an import that did not simply create or update a contact. */
export const importRowIssues = pgTable('import_row_issues', {
  importId: uuid('import_id').notNull().references(() => contactImports.id, { onDelete: 'cascade' }),
  rowNumber: integer('row_number').notNull(),
  email: text('email'),
  reason: text('reason', { enum: ['invalid_email', 'duplicate_in_file', 'suppressed', 'role_address', 'exists', 'malformed_row', 'invalid_field'] }).notNull(),
  /** Imported but flagged (role addresses) vs. skipped. */
  skipped: boolean('skipped').notNull().default(true),
  detail: text('detail'),
}, (t) => [primaryKey({ columns: [t.importId, t.rowNumber, t.reason] })]);

/**
 * Uploaded files live in the database in 1 MiB chunks, so any worker on any machine can read an
 * upload that any API instance received. Deleted once the import has run.
 */
export const uploadChunks = pgTable('upload_chunks', {
  importId: uuid('import_id').notNull().references(() => contactImports.id, { onDelete: 'cascade' }),
  seq: integer('seq').notNull(),
  data: bytea('data').notNull(),
}, (t) => [primaryKey({ columns: [t.importId, t.seq] })]);

/**
 * Validated rows of a running import, merged into contacts in chunks at the end. UNLOGGED (see
 * migration 0008): it is rebuilt from the upload whenever a job restarts, so it needs no WAL.
 */
export const importStaging = pgTable('import_staging', {
  // No foreign key: its per-row check was two thirds of the COPY into staging (measured at 1M
  // rows). Rows of an import deleted mid-run are swept when the next import starts.
  importId: uuid('import_id').notNull(),
  rowNumber: integer('row_number').notNull(),
  email: text('email').notNull(),
  firstName: text('first_name'),
  lastName: text('last_name'),
  company: text('company'),
  title: text('title'),
  phone: text('phone'),
  timeZone: text('time_zone'),
  tags: text('tags').array(),
  custom: jsonb('custom').$type<Record<string, unknown>>(),
  isRoleAddress: boolean('is_role_address').notNull().default(false),
}, (t) => [index('import_staging_import_row_idx').on(t.importId, t.rowNumber)]);

/**
 * Contacts as they were before a running import updated them (dedupe = update), to undo a merge
 * that failed or was interrupted. Logged, unlike staging: a PostgreSQL crash empties unlogged
 * tables, and these snapshots are the only copy of the overwritten values. The first snapshot of
 * a contact wins, so a re-run never records its own half-applied update as the original.
 */
export const importUndo = pgTable('import_undo', {
  importId: uuid('import_id').notNull().references(() => contactImports.id, { onDelete: 'cascade' }),
  contactId: uuid('contact_id').notNull(),
  previous: jsonb('previous').notNull(),
}, (t) => [primaryKey({ columns: [t.importId, t.contactId] })]);

/**
 * Last exact size of a filter (a segment, everything, …) too slow to count within the request
 * budget; answered with its age while a background recount runs (modules/contacts/count-contacts.ts).
 */
export const contactCounts = pgTable('contact_counts', {
  workspaceId: ws(),
  /** sha256 of the filter (with a segment's definition resolved), so an edited segment gets a new entry. */
  filterKey: text('filter_key').notNull(),
  count: integer('count').notNull(),
  countedAt: timestamp('counted_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.workspaceId, t.filterKey] })]);
