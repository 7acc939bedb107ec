import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { suppressions, workspaces, SUPPRESSION_REASONS } from '../../db/schema/index.js';
import { conflict, notFound } from '../../lib/problems.js';
import { domainOf, normalizeContactEmail } from './contact-input.js';

export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** sha256(salt || email), hex — the same expression runs in SQL (see suppressedSql). */
export const erasedEmailHash = (salt: string, email: string) => createHash('sha256').update(salt + normalizeContactEmail(email)).digest('hex');

export async function workspaceSalt(db: Db, workspaceId: string): Promise<string> {
  const [row] = await db.select({ salt: workspaces.suppressionSalt }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!row) throw notFound('Workspace');
  return row.salt;
}

/**
 * True for a contacts row whose address is suppressed: the exact address, its domain, or the
 * hash an erased contact left behind. Used by imports, the campaign engine and segment counts.
 * Three EXISTS, each an equality on the (workspace_id, kind, value) index, rather than one OR'd
 * EXISTS that would scan every suppression of the workspace for every row checked.
 */
export const suppressedSql = (emailCol: SQL = sql`contacts.email`, workspaceCol: SQL = sql`contacts.workspace_id`) => sql`(
  EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = ${workspaceCol} AND s.kind = 'email' AND s.value = ${emailCol})
  OR EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = ${workspaceCol} AND s.kind = 'domain' AND s.value = split_part(${emailCol}, '@', 2))
  OR EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = ${workspaceCol} AND s.kind = 'email_hash'
    AND s.value = encode(sha256(convert_to((SELECT w.suppression_salt FROM workspaces w WHERE w.id = ${workspaceCol}) || ${emailCol}, 'UTF8')), 'hex')))`;

export async function isSuppressed(db: Db, workspaceId: string, email: string): Promise<boolean> {
  const e = normalizeContactEmail(email);
  const salt = await workspaceSalt(db, workspaceId);
  const rows = await db.select({ id: suppressions.id }).from(suppressions).where(and(
    eq(suppressions.workspaceId, workspaceId),
    sql`((${suppressions.kind} = 'email' AND ${suppressions.value} = ${e}) OR (${suppressions.kind} = 'domain' AND ${suppressions.value} = ${domainOf(e)}) OR (${suppressions.kind} = 'email_hash' AND ${suppressions.value} = ${erasedEmailHash(salt, e)}))`,
  )).limit(1);
  return rows.length > 0;
}

export interface SuppressionInput {
  kind: 'email' | 'domain' | 'email_hash';
  value: string;
  reason: SuppressionReason;
  note?: string | null;
}

/** Idempotent: suppressing twice keeps the first entry (and its reason). */
export async function addSuppressions(db: Db, workspaceId: string, entries: SuppressionInput[]): Promise<number> {
  if (entries.length === 0) return 0;
  let added = 0;
  for (let i = 0; i < entries.length; i += 1000) {
    const batch = entries.slice(i, i + 1000).map((e) => ({
      workspaceId, kind: e.kind, reason: e.reason, note: e.note ?? null,
      value: e.kind === 'email_hash' ? e.value : e.value.trim().toLowerCase().replace(/^@/, ''),
    }));
    const rows = await db.insert(suppressions).values(batch).onConflictDoNothing().returning({ id: suppressions.id });
    added += rows.length;
  }
  return added;
}

export async function listSuppressions(db: Db, workspaceId: string, q: { cursor?: string; limit: number; search?: string }) {
  const rows = await db.select().from(suppressions).where(and(
    eq(suppressions.workspaceId, workspaceId),
    q.search ? sql`${suppressions.value} ILIKE ${'%' + q.search.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}` : undefined,
    q.cursor ? lt(suppressions.createdAt, new Date(q.cursor)) : undefined,
  )).orderBy(desc(suppressions.createdAt)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((s) => ({ id: s.id, kind: s.kind, value: s.value, reason: s.reason, note: s.note, createdAt: s.createdAt.toISOString() })),
    nextCursor: rows.length > q.limit ? page.at(-1)!.createdAt.toISOString() : null,
  };
}

export async function deleteSuppression(db: Db, workspaceId: string, id: string) {
  const [row] = await db.select().from(suppressions).where(and(eq(suppressions.id, id), eq(suppressions.workspaceId, workspaceId)));
  if (!row) throw notFound('Suppression');
  // An erased person asked to be forgotten and never mailed again; that entry is permanent.
  if (row.kind === 'email_hash') throw conflict('Entries left by an erasure cannot be removed.');
  await db.delete(suppressions).where(eq(suppressions.id, id));
}
