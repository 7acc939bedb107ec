import { and, asc, eq } from 'drizzle-orm';
import type { Secrets } from '../../config.js';
import type { Db } from '../../db/client.js';
import { resumeSenderMessages } from '../../engine/sender-messages.js';
import { senderAccounts, type SenderStatus } from '../../db/schema/index.js';
import { conflict, notFound, validationFailed } from '../../lib/problems.js';
import { decrypt, encrypt } from '../../lib/crypto.js';

export type SenderRow = typeof senderAccounts.$inferSelect;
type SecretColumn = 'smtpPasswordEnc' | 'imapPasswordEnc' | 'accessTokenEnc' | 'refreshTokenEnc' | 'dkimPrivateKeyEnc';

/** Ciphertexts are bound to their row and column, so one cannot be pasted into another. */
export const secretContext = (senderId: string, column: SecretColumn) => `sender:${senderId}:${column}`;
export const sealSecret = (secrets: Secrets, senderId: string, column: SecretColumn, value: string) => encrypt(secrets, value, secretContext(senderId, column));
export const openSecret = (secrets: Secrets, row: SenderRow, column: SecretColumn) => {
  const sealed = row[column];
  return sealed ? decrypt(secrets, sealed, secretContext(row.id, column)) : null;
};

/** Today's sending cap: the daily cap, or the warm-up ramp while it is below it. */
export function effectiveDailyCap(row: Pick<SenderRow, 'dailyCap' | 'warmupEnabled' | 'warmupStart' | 'warmupIncrement' | 'warmupMax' | 'warmupStartedAt'>, now = new Date()): number {
  if (!row.warmupEnabled) return row.dailyCap;
  const started = row.warmupStartedAt ?? now;
  const days = Math.max(0, Math.floor((now.getTime() - started.getTime()) / 86400_000));
  return Math.min(row.dailyCap, row.warmupMax, row.warmupStart + days * row.warmupIncrement);
}

export function senderView(row: SenderRow) {
  return {
    id: row.id, kind: row.kind, email: row.email, fromName: row.fromName, status: row.status, statusReason: row.statusReason,
    smtp: row.smtpHost ? { host: row.smtpHost, port: row.smtpPort!, security: row.smtpSecurity!, user: row.smtpUser! } : null,
    imap: row.imapHost ? { host: row.imapHost, port: row.imapPort!, secure: row.imapSecure!, user: row.imapUser! } : null,
    dkim: row.dkimDomain ? { domain: row.dkimDomain, selector: row.dkimSelector!, configured: Boolean(row.dkimPrivateKeyEnc) } : null,
    settings: {
      signature: row.signature, dailyCap: row.dailyCap, minGapSeconds: row.minGapSeconds, maxGapSeconds: row.maxGapSeconds, sendingDomain: row.sendingDomain,
      warmup: { enabled: row.warmupEnabled, start: row.warmupStart, increment: row.warmupIncrement, max: row.warmupMax, startedAt: row.warmupStartedAt?.toISOString() ?? null },
    },
    todayCap: effectiveDailyCap(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getSender(db: Db, workspaceId: string, id: string): Promise<SenderRow> {
  const [row] = await db.select().from(senderAccounts).where(and(eq(senderAccounts.id, id), eq(senderAccounts.workspaceId, workspaceId)));
  if (!row) throw notFound('Sender account');
  return row;
}

/** Whether an account of the workspace waits to be connected again (its tokens or password stopped working). */
export async function hasSenderToReconnect(db: Db, workspaceId: string): Promise<boolean> {
  const [row] = await db.select({ id: senderAccounts.id }).from(senderAccounts)
    .where(and(eq(senderAccounts.workspaceId, workspaceId), eq(senderAccounts.status, 'reconnect_needed'))).limit(1);
  return Boolean(row);
}

export async function listSenders(db: Db, workspaceId: string) {
  return (await db.select().from(senderAccounts).where(eq(senderAccounts.workspaceId, workspaceId)).orderBy(asc(senderAccounts.email))).map(senderView);
}

export interface SenderSettings {
  fromName?: string | null;
  signature?: string | null;
  dailyCap?: number;
  minGapSeconds?: number;
  maxGapSeconds?: number;
  sendingDomain?: string | null;
  warmup?: { enabled?: boolean; start?: number; increment?: number; max?: number };
}

export interface SmtpAccountInput extends SenderSettings {
  email: string;
  smtp: { host: string; port: number; security: 'tls' | 'starttls' | 'none'; user: string; password: string };
  imap: { host: string; port: number; secure: boolean; user: string; password: string };
  dkim?: { domain: string; selector: string; privateKey: string } | null;
}

function settingsColumns(current: Pick<SenderRow, 'minGapSeconds' | 'maxGapSeconds' | 'warmupEnabled' | 'warmupStartedAt'>, s: SenderSettings) {
  const min = s.minGapSeconds ?? current.minGapSeconds;
  const max = s.maxGapSeconds ?? current.maxGapSeconds;
  if (min > max) throw validationFailed([{ field: 'maxGapSeconds', message: `must be at least minGapSeconds (${min})` }]);
  const cols: Partial<typeof senderAccounts.$inferInsert> = {};
  if (s.fromName !== undefined) cols.fromName = s.fromName;
  if (s.signature !== undefined) cols.signature = s.signature;
  if (s.dailyCap !== undefined) cols.dailyCap = s.dailyCap;
  if (s.minGapSeconds !== undefined) cols.minGapSeconds = s.minGapSeconds;
  if (s.maxGapSeconds !== undefined) cols.maxGapSeconds = s.maxGapSeconds;
  if (s.sendingDomain !== undefined) cols.sendingDomain = s.sendingDomain?.toLowerCase() ?? null;
  if (s.warmup) {
    if (s.warmup.enabled !== undefined) cols.warmupEnabled = s.warmup.enabled;
    if (s.warmup.start !== undefined) cols.warmupStart = s.warmup.start;
    if (s.warmup.increment !== undefined) cols.warmupIncrement = s.warmup.increment;
    if (s.warmup.max !== undefined) cols.warmupMax = s.warmup.max;
    // The ramp counts days from when warm-up was switched on.
    if (s.warmup.enabled && !current.warmupEnabled) cols.warmupStartedAt = new Date();
  }
  return cols;
}

export async function createSmtpAccount(db: Db, secrets: Secrets, workspaceId: string, input: SmtpAccountInput): Promise<SenderRow> {
  const email = input.email.trim().toLowerCase();
  const defaults = { minGapSeconds: 60, maxGapSeconds: 180, warmupEnabled: false, warmupStartedAt: null };
  const settings = settingsColumns(defaults, input);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(senderAccounts).values({
      workspaceId, kind: 'smtp', email, sendingDomain: email.split('@')[1] ?? null, ...settings,
      smtpHost: input.smtp.host, smtpPort: input.smtp.port, smtpSecurity: input.smtp.security, smtpUser: input.smtp.user,
      imapHost: input.imap.host, imapPort: input.imap.port, imapSecure: input.imap.secure, imapUser: input.imap.user,
      dkimDomain: input.dkim?.domain.toLowerCase() ?? null, dkimSelector: input.dkim?.selector ?? null,
    }).onConflictDoNothing().returning();
    if (!row) throw conflict('This mailbox is already connected to the workspace.', [{ field: 'email', message: 'is already connected' }]);
    const [sealed] = await tx.update(senderAccounts).set({
      smtpPasswordEnc: sealSecret(secrets, row.id, 'smtpPasswordEnc', input.smtp.password),
      imapPasswordEnc: sealSecret(secrets, row.id, 'imapPasswordEnc', input.imap.password),
      dkimPrivateKeyEnc: input.dkim ? sealSecret(secrets, row.id, 'dkimPrivateKeyEnc', input.dkim.privateKey) : null,
    }).where(eq(senderAccounts.id, row.id)).returning();
    return sealed!;
  });
}

export interface SenderUpdate extends SenderSettings {
  smtp?: Partial<SmtpAccountInput['smtp']>;
  imap?: Partial<SmtpAccountInput['imap']>;
  dkim?: SmtpAccountInput['dkim'];
}

export async function updateSender(db: Db, secrets: Secrets, workspaceId: string, id: string, input: SenderUpdate): Promise<SenderRow> {
  const row = await getSender(db, workspaceId, id);
  const set: Partial<typeof senderAccounts.$inferInsert> = { ...settingsColumns(row, input), updatedAt: new Date() };
  if (input.smtp) {
    if (row.kind !== 'smtp') throw validationFailed([{ field: 'smtp', message: 'only SMTP accounts have SMTP settings' }]);
    const { host, port, security, user, password } = input.smtp;
    Object.assign(set, host !== undefined && { smtpHost: host }, port !== undefined && { smtpPort: port }, security !== undefined && { smtpSecurity: security }, user !== undefined && { smtpUser: user });
    if (password !== undefined) set.smtpPasswordEnc = sealSecret(secrets, id, 'smtpPasswordEnc', password);
  }
  if (input.imap) {
    if (row.kind !== 'smtp') throw validationFailed([{ field: 'imap', message: 'only SMTP accounts have IMAP settings' }]);
    const { host, port, secure, user, password } = input.imap;
    Object.assign(set, host !== undefined && { imapHost: host }, port !== undefined && { imapPort: port }, secure !== undefined && { imapSecure: secure }, user !== undefined && { imapUser: user });
    if (password !== undefined) set.imapPasswordEnc = sealSecret(secrets, id, 'imapPasswordEnc', password);
  }
  if (input.dkim === null) Object.assign(set, { dkimDomain: null, dkimSelector: null, dkimPrivateKeyEnc: null });
  else if (input.dkim) Object.assign(set, { dkimDomain: input.dkim.domain.toLowerCase(), dkimSelector: input.dkim.selector, dkimPrivateKeyEnc: sealSecret(secrets, id, 'dkimPrivateKeyEnc', input.dkim.privateKey) });
  const [updated] = await db.update(senderAccounts).set(set).where(eq(senderAccounts.id, id)).returning();
  return updated!;
}

export async function setSenderStatus(db: Db, workspaceId: string, id: string, status: SenderStatus, reason: string | null) {
  await getSender(db, workspaceId, id);
  const [row] = await db.update(senderAccounts).set({ status, statusReason: reason, updatedAt: new Date() }).where(eq(senderAccounts.id, id)).returning();
  // Back in service: the follow-ups that waited for this inbox go back in the queue.
  if (status === 'active') await resumeSenderMessages(db, id);
  return row!;
}

export async function deleteSender(db: Db, workspaceId: string, id: string) {
  await getSender(db, workspaceId, id);
  await db.delete(senderAccounts).where(eq(senderAccounts.id, id));
}
