import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './workspaces.js';

export const SENDER_KINDS = ['smtp', 'gmail', 'outlook'] as const;
export type SenderKind = (typeof SENDER_KINDS)[number];
export const SENDER_STATUSES = ['active', 'reconnect_needed', 'paused', 'error'] as const;
export type SenderStatus = (typeof SENDER_STATUSES)[number];
export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;

/**
 * A connected mailbox. Every secret column holds an AES-256-GCM ciphertext from lib/crypto.ts
 * (key id inside, bound to `sender:<id>:<column>`), never plaintext.
 */
export const senderAccounts = pgTable('sender_accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: SENDER_KINDS }).notNull(),
  email: text('email').notNull(),
  fromName: text('from_name'),
  status: text('status', { enum: SENDER_STATUSES }).notNull().default('active'),
  statusReason: text('status_reason'),

  smtpHost: text('smtp_host'),
  smtpPort: integer('smtp_port'),
  smtpSecurity: text('smtp_security', { enum: SMTP_SECURITY }),
  smtpUser: text('smtp_user'),
  smtpPasswordEnc: text('smtp_password_enc'),
  imapHost: text('imap_host'),
  imapPort: integer('imap_port'),
  imapSecure: boolean('imap_secure'),
  imapUser: text('imap_user'),
  imapPasswordEnc: text('imap_password_enc'),

  accessTokenEnc: text('access_token_enc'),
  refreshTokenEnc: text('refresh_token_enc'),
  tokenExpiresAt: timestamp('token_expires_at', { withTimezone: true }),
  scopes: text('scopes').array(),

  dkimDomain: text('dkim_domain'),
  dkimSelector: text('dkim_selector'),
  dkimPrivateKeyEnc: text('dkim_private_key_enc'),

  signature: text('signature'),
  dailyCap: integer('daily_cap').notNull().default(50),
  warmupEnabled: boolean('warmup_enabled').notNull().default(false),
  warmupStart: integer('warmup_start').notNull().default(10),
  warmupIncrement: integer('warmup_increment').notNull().default(5),
  warmupMax: integer('warmup_max').notNull().default(50),
  warmupStartedAt: timestamp('warmup_started_at', { withTimezone: true }),
  minGapSeconds: integer('min_gap_seconds').notNull().default(60),
  maxGapSeconds: integer('max_gap_seconds').notNull().default(180),
  sendingDomain: text('sending_domain'),

  inboundCursor: text('inbound_cursor'),
  lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('sender_accounts_workspace_email_key').on(t.workspaceId, t.email), index('sender_accounts_status_idx').on(t.status)]);

/** The columns lib/crypto seals; `rotate-key` walks exactly these. */
export const SENDER_SECRET_COLUMNS = ['smtpPasswordEnc', 'imapPasswordEnc', 'accessTokenEnc', 'refreshTokenEnc', 'dkimPrivateKeyEnc'] as const;

/** A started "Connect Gmail / Microsoft 365" flow: single-use state bound to user and workspace. */
export const oauthStates = pgTable('oauth_states', {
  id: uuid('id').primaryKey().defaultRandom(),
  stateHash: text('state_hash').notNull(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull(),
  provider: text('provider', { enum: ['google', 'microsoft', 'facebook'] }).notNull(),
  /** PKCE verifier, sealed with lib/crypto (it is a secret until the code is exchanged). */
  codeVerifierEnc: text('code_verifier_enc').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
}, (t) => [uniqueIndex('oauth_states_hash_key').on(t.stateHash)]);
