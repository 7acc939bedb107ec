import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Secrets } from '../../config.js';
import type { Db } from '../../db/client.js';
import { facebookPages } from '../../db/schema/index.js';
import { decrypt, encrypt } from '../../lib/crypto.js';
import { notFound } from '../../lib/problems.js';

export type PageRow = typeof facebookPages.$inferSelect;

/** A page token ciphertext is bound to its row, so it cannot be pasted into another page. */
export const pageTokenContext = (pageRowId: string) => `facebook_page:${pageRowId}:accessTokenEnc`;
export const sealPageToken = (secrets: Secrets, pageRowId: string, token: string) => encrypt(secrets, token, pageTokenContext(pageRowId));

/** The page token, or null once the page was disconnected (its token is forgotten then). */
export function openPageToken(secrets: Secrets, row: Pick<PageRow, 'id' | 'accessTokenEnc' | 'status'>): string | null {
  if (row.status === 'disconnected') return null;
  return decrypt(secrets, row.accessTokenEnc, pageTokenContext(row.id)) || null;
}

export function pageView(row: PageRow) {
  return {
    id: row.id,
    pageId: row.pageId,
    name: row.name,
    status: row.status,
    statusReason: row.statusReason,
    subscribedFields: row.subscribedFields ?? [],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Connected pages of a workspace (disconnected ones are kept only for their history). */
export async function listPages(db: Db, workspaceId: string) {
  const rows = await db.select().from(facebookPages)
    .where(and(eq(facebookPages.workspaceId, workspaceId), ne(facebookPages.status, 'disconnected')))
    .orderBy(asc(facebookPages.name));
  return rows.map(pageView);
}

/** Whether some page of the workspace needs its token renewed (Facebook Login again). */
export async function hasPageToReconnect(db: Db, workspaceId: string): Promise<boolean> {
  const [row] = await db.select({ id: facebookPages.id }).from(facebookPages).where(and(eq(facebookPages.workspaceId, workspaceId), eq(facebookPages.status, 'reconnect_needed'))).limit(1);
  return Boolean(row);
}

export async function getPage(db: Db, workspaceId: string, id: string): Promise<PageRow> {
  const [row] = await db.select().from(facebookPages).where(and(eq(facebookPages.id, id), eq(facebookPages.workspaceId, workspaceId), ne(facebookPages.status, 'disconnected')));
  if (!row) throw notFound('Page');
  return row;
}

/**
 * A send answered 190: the page token no longer works. Every later send from the page is blocked
 * with this reason until someone connects the page again (which sets it back to active).
 */
export async function markReconnectNeeded(db: Db, pageRowId: string, reason: string) {
  await db.update(facebookPages).set({ status: 'reconnect_needed', statusReason: reason, updatedAt: new Date() })
    .where(and(eq(facebookPages.id, pageRowId), ne(facebookPages.status, 'disconnected')));
}

/**
 * Disconnects a page: its token is forgotten (replaced by a sealed empty value, the column being
 * required) and it stops receiving events, but the row stays so its conversations and
 * broadcasts keep their history. Connecting the page again revives the same row.
 * Returns whether another workspace still has the page connected (then its webhook subscription must stay).
 */
export async function disconnectPage(db: Db, secrets: Secrets, workspaceId: string, id: string): Promise<{ row: PageRow; token: string | null; sharedElsewhere: boolean }> {
  const row = await getPage(db, workspaceId, id);
  const token = (() => {
    try {
      return openPageToken(secrets, row);
    } catch {
      return null;
    }
  })();
  await db.update(facebookPages).set({ status: 'disconnected', statusReason: 'disconnected by a user', accessTokenEnc: sealPageToken(secrets, row.id, ''), subscribedFields: [], updatedAt: new Date() })
    .where(eq(facebookPages.id, row.id));
  const [other] = await db.select({ n: sql<number>`count(*)::int` }).from(facebookPages)
    .where(and(eq(facebookPages.pageId, row.pageId), ne(facebookPages.id, row.id), ne(facebookPages.status, 'disconnected')));
  return { row, token, sharedElsewhere: (other?.n ?? 0) > 0 };
}
