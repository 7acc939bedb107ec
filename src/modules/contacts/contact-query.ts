import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { CONTACT_STATUSES, lists, segments } from '../../db/schema/index.js';
import { badRequest, notFound } from '../../lib/problems.js';
import { compileSegmentFilter, segmentFilterSchema } from './segment-filter.js';

/** Filters shared by the table, counts, bulk actions and exports. */
export const contactFilterQuery = z.object({
  q: z.string().trim().max(200).optional(),
  listId: z.uuid().optional(),
  segmentId: z.uuid().optional(),
  tag: z.string().trim().min(1).max(100).optional(),
  status: z.enum(CONTACT_STATUSES).optional(),
});
export type ContactFilter = z.infer<typeof contactFilterQuery>;

export const SORTS = {
  createdAt: { expr: sql`contacts.created_at`, kind: 'time' },
  updatedAt: { expr: sql`contacts.updated_at`, kind: 'time' },
  email: { expr: sql`coalesce(contacts.email, '')`, kind: 'text' },
  firstName: { expr: sql`coalesce(contacts.first_name, '')`, kind: 'text' },
  lastName: { expr: sql`coalesce(contacts.last_name, '')`, kind: 'text' },
  company: { expr: sql`coalesce(contacts.company, '')`, kind: 'text' },
} as const;
export type SortKey = keyof typeof SORTS;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/** Builds the WHERE for a filter, checking that lists and segments belong to the workspace. */
export async function contactFilterSql(db: Db, workspaceId: string, f: ContactFilter): Promise<SQL> {
  const parts: SQL[] = [sql`contacts.workspace_id = ${workspaceId}`];
  if (f.q) {
    // The same expression as contacts_search_trgm_idx (migration 0002), so the trigram index serves it.
    const like = '%' + escapeLike(f.q.toLowerCase()) + '%';
    parts.push(sql`lower(coalesce(contacts.email, '') || ' ' || coalesce(contacts.first_name, '') || ' ' || coalesce(contacts.last_name, '') || ' ' || coalesce(contacts.company, '')) LIKE ${like}`);
  }
  if (f.listId) {
    const [list] = await db.select({ id: lists.id }).from(lists).where(and(eq(lists.id, f.listId), eq(lists.workspaceId, workspaceId)));
    if (!list) throw notFound('List');
    parts.push(sql`EXISTS (SELECT 1 FROM list_members lm WHERE lm.contact_id = contacts.id AND lm.list_id = ${f.listId})`);
  }
  if (f.segmentId) parts.push(await segmentSql(db, workspaceId, f.segmentId));
  if (f.tag) parts.push(sql`contacts.tags @> ARRAY[${f.tag}]::text[]`);
  // Erased contacts are anonymous tombstones: only listed when asked for by status.
  parts.push(f.status ? sql`contacts.status = ${f.status}` : sql`contacts.status <> 'erased'`);
  return sql.join(parts, sql` AND `);
}

export async function segmentSql(db: Db, workspaceId: string, segmentId: string): Promise<SQL> {
  const [segment] = await db.select({ filter: segments.filter }).from(segments).where(and(eq(segments.id, segmentId), eq(segments.workspaceId, workspaceId)));
  if (!segment) throw notFound('Segment');
  return compileSegmentFilter(segmentFilterSchema.parse(segment.filter));
}

/** Opaque keyset cursor: the sort value and id of the last row of the previous page. */
export function encodeCursor(value: string, id: string) {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

export function keysetSql(sort: SortKey, order: 'asc' | 'desc', cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  let value: string;
  let id: string;
  try {
    [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof value !== 'string' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) throw new Error();
  } catch {
    throw badRequest('The cursor is not valid; start again from the first page.', [{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  }
  const { expr, kind } = SORTS[sort];
  const v = kind === 'time' ? sql`${value}::timestamptz` : sql`${value}`;
  return order === 'asc' ? sql`(${expr}, contacts.id) > (${v}, ${id}::uuid)` : sql`(${expr}, contacts.id) < (${v}, ${id}::uuid)`;
}
