import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { customFields, lists, segments, type CustomFieldType } from '../../db/schema/index.js';
import { conflict, notFound } from '../../lib/problems.js';
import { countContactsShown, countWithinBudget, filterKey, type ShownCount } from './count-contacts.js';
import { compileSegmentFilter, referencedListIds, type SegmentFilter } from './segment-filter.js';

const listView = (l: typeof lists.$inferSelect, contactCount: number) => ({ id: l.id, name: l.name, description: l.description, contactCount, createdAt: l.createdAt.toISOString() });

export async function listLists(db: Db, workspaceId: string) {
  const rows = await db
    .select({ l: lists, n: sql<number>`(SELECT count(*)::int FROM list_members lm WHERE lm.list_id = ${lists.id})` })
    .from(lists).where(eq(lists.workspaceId, workspaceId)).orderBy(asc(lists.name));
  return rows.map((r) => listView(r.l, Number(r.n)));
}

export async function createList(db: Db, workspaceId: string, input: { name: string; description?: string | null }) {
  const [row] = await db.insert(lists).values({ workspaceId, name: input.name.trim(), description: input.description ?? null }).returning();
  return listView(row!, 0);
}

export async function getList(db: Db, workspaceId: string, id: string) {
  const [row] = await db.select().from(lists).where(and(eq(lists.id, id), eq(lists.workspaceId, workspaceId)));
  if (!row) throw notFound('List');
  return listView(row, (await countContactsShown(db, workspaceId, { listId: id })).count);
}

export async function updateList(db: Db, workspaceId: string, id: string, input: { name?: string; description?: string | null }) {
  const [row] = await db.update(lists).set({ ...(input.name ? { name: input.name.trim() } : {}), ...(input.description !== undefined ? { description: input.description } : {}) }).where(and(eq(lists.id, id), eq(lists.workspaceId, workspaceId))).returning();
  if (!row) throw notFound('List');
  return getList(db, workspaceId, id);
}

export async function deleteList(db: Db, workspaceId: string, id: string) {
  const rows = await db.delete(lists).where(and(eq(lists.id, id), eq(lists.workspaceId, workspaceId))).returning({ id: lists.id });
  if (!rows.length) throw notFound('List');
}

async function assertListsInWorkspace(db: Db, workspaceId: string, filter: SegmentFilter) {
  for (const listId of referencedListIds(filter)) {
    const [row] = await db.select({ id: lists.id }).from(lists).where(and(eq(lists.id, listId), eq(lists.workspaceId, workspaceId)));
    if (!row) throw notFound('List');
  }
}

const segmentView = (s: typeof segments.$inferSelect, size?: ShownCount) => ({
  id: s.id, name: s.name, filter: s.filter as SegmentFilter, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
  ...(size ? { contactCount: size.count, countExact: size.exact, countedAt: size.countedAt } : {}),
});

export async function listSegments(db: Db, workspaceId: string) {
  const rows = await db.select().from(segments).where(eq(segments.workspaceId, workspaceId)).orderBy(asc(segments.name));
  return rows.map((s) => segmentView(s));
}

export async function createSegment(db: Db, workspaceId: string, input: { name: string; filter: SegmentFilter }) {
  await assertListsInWorkspace(db, workspaceId, input.filter);
  const [row] = await db.insert(segments).values({ workspaceId, name: input.name.trim(), filter: input.filter }).returning();
  return segmentView(row!, await countContactsShown(db, workspaceId, { segmentId: row!.id }));
}

export async function getSegment(db: Db, workspaceId: string, id: string) {
  const [row] = await db.select().from(segments).where(and(eq(segments.id, id), eq(segments.workspaceId, workspaceId)));
  if (!row) throw notFound('Segment');
  return segmentView(row, await countContactsShown(db, workspaceId, { segmentId: id }));
}

export async function updateSegment(db: Db, workspaceId: string, id: string, input: { name?: string; filter?: SegmentFilter }) {
  if (input.filter) await assertListsInWorkspace(db, workspaceId, input.filter);
  const [row] = await db.update(segments).set({ ...(input.name ? { name: input.name.trim() } : {}), ...(input.filter ? { filter: input.filter } : {}), updatedAt: new Date() }).where(and(eq(segments.id, id), eq(segments.workspaceId, workspaceId))).returning();
  if (!row) throw notFound('Segment');
  return getSegment(db, workspaceId, id);
}

export async function deleteSegment(db: Db, workspaceId: string, id: string) {
  const rows = await db.delete(segments).where(and(eq(segments.id, id), eq(segments.workspaceId, workspaceId))).returning({ id: segments.id });
  if (!rows.length) throw notFound('Segment');
}

/** Counts a filter without saving it: the segment editor's live preview (exact, or cached with its age). */
export async function previewSegment(db: Db, workspaceId: string, filter: SegmentFilter) {
  await assertListsInWorkspace(db, workspaceId, filter);
  const size = await countWithinBudget(db, workspaceId, sql`SELECT count(*)::int AS n FROM contacts WHERE contacts.workspace_id = ${workspaceId} AND ${compileSegmentFilter(filter)}`, filterKey({ preview: filter }));
  return { contactCount: size.count, countExact: size.exact, countedAt: size.countedAt };
}

export async function listCustomFields(db: Db, workspaceId: string) {
  const rows = await db.select().from(customFields).where(eq(customFields.workspaceId, workspaceId)).orderBy(asc(customFields.createdAt));
  return rows.map((f) => ({ id: f.id, key: f.key, label: f.label, type: f.type, createdAt: f.createdAt.toISOString() }));
}

export async function createCustomField(db: Db, workspaceId: string, input: { key: string; label: string; type: CustomFieldType }) {
  const [row] = await db.insert(customFields).values({ workspaceId, ...input }).onConflictDoNothing().returning();
  if (!row) throw conflict('A custom field with this key exists.', [{ field: 'key', message: 'already exists' }]);
  return { id: row.id, key: row.key, label: row.label, type: row.type, createdAt: row.createdAt.toISOString() };
}

export async function deleteCustomField(db: Db, workspaceId: string, id: string) {
  const rows = await db.delete(customFields).where(and(eq(customFields.id, id), eq(customFields.workspaceId, workspaceId))).returning({ id: customFields.id });
  if (!rows.length) throw notFound('Custom field');
}
