import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { sqlArray } from '../../db/sql-helpers.js';
import { contacts, customFields, listMembers, lists, type ContactStatus } from '../../db/schema/index.js';
import type { WorkspaceScope } from '../../http/context.js';
import { conflict, notFound, validationFailed } from '../../lib/problems.js';
import { coerceCustomValues, isRoleAddress } from './contact-input.js';
import { contactFilterSql, encodeCursor, keysetSql, SORTS, type ContactFilter, type SortKey } from './contact-query.js';
import { addSuppressions, isSuppressed } from './suppressions.js';

export type ContactRow = typeof contacts.$inferSelect;

export function contactView(c: ContactRow) {
  return {
    id: c.id, email: c.email, firstName: c.firstName, lastName: c.lastName, company: c.company, title: c.title, phone: c.phone,
    timeZone: c.timeZone, custom: c.custom, tags: c.tags, status: c.status, source: c.source, messengerPsid: c.messengerPsid,
    isRoleAddress: c.isRoleAddress, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
  };
}

export interface ContactWrite {
  email?: string;
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  title?: string | null;
  phone?: string | null;
  timeZone?: string | null;
  source?: string | null;
  tags?: string[];
  custom?: Record<string, unknown>;
  status?: ContactStatus;
}

export async function customFieldDefs(db: Db, workspaceId: string) {
  return db.select({ key: customFields.key, type: customFields.type }).from(customFields).where(eq(customFields.workspaceId, workspaceId));
}

const uniqueTags = (tags: string[]) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))];

export async function listContacts(db: Db, workspaceId: string, q: ContactFilter & { sort: SortKey; order: 'asc' | 'desc'; cursor?: string; limit: number }) {
  const where = await contactFilterSql(db, workspaceId, q);
  const { expr } = SORTS[q.sort];
  const keyset = keysetSql(q.sort, q.order, q.cursor);
  const rows = await db
    .select({ c: contacts, sortValue: sql<string>`(${expr})::text` })
    .from(contacts)
    .where(keyset ? and(where, keyset) : where)
    .orderBy(q.order === 'asc' ? asc(expr) : desc(expr), q.order === 'asc' ? asc(contacts.id) : desc(contacts.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => contactView(r.c)),
    // Timestamps round-trip through text at full precision; JS Dates would drop microseconds.
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.c.id) : null,
  };
}

export async function listTags(db: Db, workspaceId: string) {
  const r = await db.execute(sql`SELECT t.tag, count(*)::int AS count FROM contacts, unnest(contacts.tags) AS t(tag) WHERE contacts.workspace_id = ${workspaceId} GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT 1000`);
  return (r as unknown as { rows: { tag: string; count: number }[] }).rows.map((x) => ({ tag: x.tag, count: Number(x.count) }));
}

export async function getContact(db: Db, workspaceId: string, id: string): Promise<ContactRow> {
  const [row] = await db.select().from(contacts).where(and(eq(contacts.id, id), eq(contacts.workspaceId, workspaceId)));
  if (!row || row.status === 'erased') throw notFound('Contact');
  return row;
}

async function validatedCustom(db: Db, workspaceId: string, custom: Record<string, unknown> | undefined) {
  if (!custom) return undefined;
  const { custom: values, errors } = coerceCustomValues(await customFieldDefs(db, workspaceId), custom);
  if (errors.length) throw validationFailed(errors);
  return values;
}

export async function createContact(db: Db, scope: WorkspaceScope, input: ContactWrite & { email: string }) {
  const custom = await validatedCustom(db, scope.workspaceId, input.custom);
  if (await isSuppressed(db, scope.workspaceId, input.email)) {
    throw validationFailed([{ field: 'email', message: 'is on the suppression list' }], 'This address is suppressed and cannot be added.');
  }
  const [row] = await db.insert(contacts).values({
    workspaceId: scope.workspaceId, email: input.email, firstName: input.firstName ?? null, lastName: input.lastName ?? null,
    company: input.company ?? null, title: input.title ?? null, phone: input.phone ?? null, timeZone: input.timeZone ?? null,
    source: input.source ?? 'api', tags: uniqueTags(input.tags ?? []), custom: custom ?? {}, isRoleAddress: isRoleAddress(input.email),
  }).onConflictDoNothing().returning();
  if (!row) throw conflict('A contact with this email already exists.', [{ field: 'email', message: 'already exists in this workspace' }]);
  return row;
}

export async function updateContact(db: Db, scope: WorkspaceScope, id: string, input: ContactWrite) {
  const existing = await getContact(db, scope.workspaceId, id);
  const custom = await validatedCustom(db, scope.workspaceId, input.custom);
  if (input.email && input.email !== existing.email && (await isSuppressed(db, scope.workspaceId, input.email))) {
    throw validationFailed([{ field: 'email', message: 'is on the suppression list' }]);
  }
  // Re-activating a contact must not undo an unsubscribe, bounce or complaint.
  if (input.status === 'active' && existing.email && existing.status !== 'active' && (await isSuppressed(db, scope.workspaceId, existing.email))) {
    throw validationFailed([{ field: 'status', message: `cannot be set to active: the address is suppressed (${existing.status})` }]);
  }
  if (input.status === 'erased') throw validationFailed([{ field: 'status', message: 'use POST /contacts/:id/erase to erase a contact' }]);
  const set: Partial<typeof contacts.$inferInsert> = { updatedAt: new Date() };
  for (const key of ['email', 'firstName', 'lastName', 'company', 'title', 'phone', 'timeZone', 'source', 'status'] as const) {
    if (input[key] !== undefined) (set as Record<string, unknown>)[key] = input[key];
  }
  if (input.email) set.isRoleAddress = isRoleAddress(input.email);
  if (input.tags) set.tags = uniqueTags(input.tags);
  if (custom) set.custom = { ...existing.custom, ...custom };
  try {
    const [row] = await db.update(contacts).set(set).where(and(eq(contacts.id, id), eq(contacts.workspaceId, scope.workspaceId))).returning();
    if (input.status && ['unsubscribed', 'bounced', 'complained'].includes(input.status) && row!.email) {
      const reason = input.status === 'unsubscribed' ? 'unsubscribe' : input.status === 'bounced' ? 'bounce' : 'complaint';
      await addSuppressions(db, scope.workspaceId, [{ kind: 'email', value: row!.email, reason }]);
    }
    return row!;
  } catch (err) {
    if (String((err as { code?: string }).code) === '23505' || /unique/i.test((err as Error).message)) {
      throw conflict('Another contact already has this email.', [{ field: 'email', message: 'already exists in this workspace' }]);
    }
    throw err;
  }
}

export async function deleteContacts(db: Db, workspaceId: string, where: SQL): Promise<number> {
  const rows = await db.delete(contacts).where(and(eq(contacts.workspaceId, workspaceId), where)).returning({ id: contacts.id });
  return rows.length;
}

export type BulkAction =
  | { action: 'add_to_list' | 'remove_from_list'; listId: string }
  | { action: 'tag' | 'untag'; tag: string }
  | { action: 'unsubscribe' | 'delete' };

/** Applies one action to the selected contacts (explicit ids, or everything a filter matches). */
export async function bulkAction(db: Db, scope: WorkspaceScope, selection: { ids?: string[]; filter?: ContactFilter }, action: BulkAction): Promise<{ affected: number }> {
  const base = selection.ids
    ? sql`contacts.workspace_id = ${scope.workspaceId} AND contacts.id = ANY(${sqlArray(selection.ids, 'uuid')})`
    : await contactFilterSql(db, scope.workspaceId, selection.filter ?? {});
  const selected = sql`${base} AND contacts.status <> 'erased'`;
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    switch (action.action) {
      case 'add_to_list':
      case 'remove_from_list': {
        const [list] = await t.select({ id: lists.id }).from(lists).where(and(eq(lists.id, action.listId), eq(lists.workspaceId, scope.workspaceId)));
        if (!list) throw notFound('List');
        if (action.action === 'add_to_list') {
          const r = await t.execute(sql`INSERT INTO list_members (list_id, contact_id) SELECT ${action.listId}, contacts.id FROM contacts WHERE ${selected} ON CONFLICT DO NOTHING RETURNING contact_id`);
          return { affected: (r as unknown as { rows: unknown[] }).rows.length };
        }
        const removed = await t.delete(listMembers).where(and(eq(listMembers.listId, action.listId), inArray(listMembers.contactId, t.select({ id: contacts.id }).from(contacts).where(selected)))).returning({ id: listMembers.contactId });
        return { affected: removed.length };
      }
      case 'tag': {
        const rows = await t.update(contacts).set({ tags: sql`array_append(contacts.tags, ${action.tag}::text)`, updatedAt: new Date() }).where(and(selected, sql`NOT (contacts.tags @> ARRAY[${action.tag}]::text[])`)).returning({ id: contacts.id });
        return { affected: rows.length };
      }
      case 'untag': {
        const rows = await t.update(contacts).set({ tags: sql`array_remove(contacts.tags, ${action.tag}::text)`, updatedAt: new Date() }).where(and(selected, sql`contacts.tags @> ARRAY[${action.tag}]::text[]`)).returning({ id: contacts.id });
        return { affected: rows.length };
      }
      case 'unsubscribe': {
        const rows = await t.update(contacts).set({ status: 'unsubscribed', updatedAt: new Date() }).where(and(selected, sql`contacts.status = 'active'`)).returning({ email: contacts.email });
        await addSuppressions(t, scope.workspaceId, rows.filter((r) => r.email).map((r) => ({ kind: 'email' as const, value: r.email!, reason: 'manual' as const, note: 'bulk unsubscribe' })));
        return { affected: rows.length };
      }
      case 'delete':
        return { affected: await deleteContacts(t, scope.workspaceId, selected) };
    }
  });
}
