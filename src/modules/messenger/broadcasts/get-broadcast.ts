import { sql } from 'drizzle-orm';
import type { Config } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { queryRows, sqlArray } from '../../../db/sql-helpers.js';
import { AppError, badRequest, notFound } from '../../../lib/problems.js';
import { assertQuotaLeft } from '../../billing/quota.js';

export const RECIPIENT_STATUSES = ['pending', 'sending', 'sent', 'skipped', 'failed'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];
export type BroadcastCounts = Record<RecipientStatus | 'recipients', number>;

export interface BroadcastRow {
  id: string; workspace_id: string; page_id: string; page_name: string; page_status: 'active' | 'reconnect_needed' | 'disconnected'; page_status_reason: string | null;
  segment_id: string | null; segment_name: string | null; list_id: string | null; list_name: string | null;
  text: string; tag: string | null; status: 'queued' | 'sending' | 'finished' | 'failed'; created_by: string | null;
  created_at: Date | string; finished_at: Date | string | null;
  /** created_at as text at full precision, for the list's cursor. */
  created_key: string;
}

export interface RecipientView {
  contactId: string; name: string | null; status: RecipientStatus; reason: string | null; attempts: number; mid: string | null; sentAt: string | null;
}

export interface BroadcastView {
  id: string;
  page: { id: string; name: string; status: string; statusReason: string | null };
  segment: { id: string; name: string | null } | null;
  list: { id: string; name: string | null } | null;
  text: string; tag: string | null;
  status: BroadcastRow['status'];
  /** Why pending recipients are not being sent to right now (page needs reconnecting, monthly quota), or null. */
  pausedReason: string | null;
  createdBy: string | null; createdAt: string; finishedAt: string | null;
  counts: BroadcastCounts;
  recipients?: { items: RecipientView[]; nextCursor: string | null };
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export const broadcastSelect = sql`
  SELECT b.id, b.workspace_id, b.page_id, p.name AS page_name, p.status AS page_status, p.status_reason AS page_status_reason,
    b.segment_id, s.name AS segment_name, b.list_id, l.name AS list_name, b.text, b.tag, b.status, b.created_by, b.created_at, b.finished_at,
    b.created_at::text AS created_key
  FROM broadcasts b
  JOIN facebook_pages p ON p.id = b.page_id
  LEFT JOIN segments s ON s.id = b.segment_id
  LEFT JOIN lists l ON l.id = b.list_id`;

export async function countsOf(db: Db, ids: string[]): Promise<Map<string, BroadcastCounts>> {
  const rows = ids.length ? await queryRows<{ broadcast_id: string; status: RecipientStatus; n: number }>(db, sql`
    SELECT broadcast_id, status, count(*)::int AS n FROM broadcast_recipients WHERE broadcast_id = ANY(${sqlArray(ids, 'uuid')}) GROUP BY broadcast_id, status`) : [];
  const out = new Map<string, BroadcastCounts>(ids.map((id) => [id, { recipients: 0, pending: 0, sending: 0, sent: 0, skipped: 0, failed: 0 }]));
  for (const r of rows) {
    const c = out.get(r.broadcast_id)!;
    c[r.status] = Number(r.n);
    c.recipients += Number(r.n);
  }
  return out;
}

/** Why the job is not sending although recipients wait: the page lost its access, or the month's quota is used up. */
async function pausedReason(db: Db, config: Pick<Config, 'billing' | 'publicUrl'> | null, row: BroadcastRow, counts: BroadcastCounts): Promise<string | null> {
  if (row.status === 'finished' || row.status === 'failed' || counts.pending === 0) return null;
  if (row.page_status === 'reconnect_needed') return `the page "${row.page_name}" needs reconnecting: ${row.page_status_reason ?? 'its access was revoked'}. Sending resumes within a minute of reconnecting it.`;
  if (row.page_status === 'disconnected') return `the page "${row.page_name}" was disconnected.`;
  if (config?.billing) {
    try {
      await assertQuotaLeft(db, config, row.workspace_id);
    } catch (err) {
      if (err instanceof AppError && err.status === 402) return err.message;
      throw err;
    }
  }
  return null;
}

export async function broadcastView(db: Db, config: Pick<Config, 'billing' | 'publicUrl'> | null, row: BroadcastRow, counts: BroadcastCounts): Promise<BroadcastView> {
  return {
    id: row.id,
    page: { id: row.page_id, name: row.page_name, status: row.page_status, statusReason: row.page_status_reason },
    segment: row.segment_id ? { id: row.segment_id, name: row.segment_name } : null,
    list: row.list_id ? { id: row.list_id, name: row.list_name } : null,
    text: row.text, tag: row.tag, status: row.status,
    pausedReason: await pausedReason(db, config, row, counts),
    createdBy: row.created_by, createdAt: iso(row.created_at)!, finishedAt: iso(row.finished_at),
    counts,
  };
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw badRequest('The cursor is not valid; start again from the first page.', [{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  return id;
}

/** One page of recipients in contact order, optionally of one status (e.g. the skip list). */
export async function listRecipients(db: Db, broadcastId: string, q: { status?: RecipientStatus; cursor?: string; limit: number }) {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await queryRows<{ contact_id: string; first_name: string | null; last_name: string | null; status: RecipientStatus; reason: string | null; attempts: number; mid: string | null; sent_at: Date | string | null }>(db, sql`
    SELECT r.contact_id, c.first_name, c.last_name, r.status, r.reason, r.attempts, r.mid, r.sent_at
    FROM broadcast_recipients r JOIN contacts c ON c.id = r.contact_id
    WHERE r.broadcast_id = ${broadcastId}
      ${q.status ? sql`AND r.status = ${q.status}` : sql``}
      ${after ? sql`AND r.contact_id > ${after}::uuid` : sql``}
    ORDER BY r.contact_id
    LIMIT ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r): RecipientView => ({
      contactId: r.contact_id, name: [r.first_name, r.last_name].filter(Boolean).join(' ') || null, status: r.status, reason: r.reason,
      attempts: Number(r.attempts), mid: r.mid, sentAt: iso(r.sent_at),
    })),
    nextCursor: rows.length > q.limit && page.length ? Buffer.from(page.at(-1)!.contact_id).toString('base64url') : null,
  };
}

/** A broadcast with its counts and, unless `limit` is 0, a page of recipients with their status and reason. */
export async function getBroadcast(db: Db, workspaceId: string, id: string, q: { status?: RecipientStatus; cursor?: string; limit: number }, config: Pick<Config, 'billing' | 'publicUrl'> | null = null): Promise<BroadcastView> {
  const [row] = await queryRows<BroadcastRow>(db, sql`${broadcastSelect} WHERE b.id = ${id} AND b.workspace_id = ${workspaceId}`);
  if (!row) throw notFound('Broadcast');
  const counts = (await countsOf(db, [id])).get(id)!;
  const view = await broadcastView(db, config, row, counts);
  return q.limit > 0 ? { ...view, recipients: await listRecipients(db, id, q) } : view;
}
