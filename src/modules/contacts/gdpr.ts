import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contactEvents, contacts, listMembers, lists, suppressions } from '../../db/schema/index.js';
import type { WorkspaceScope } from '../../http/context.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { contactView, getContact } from './contacts.js';
import { addSuppressions, erasedEmailHash, workspaceSalt } from './suppressions.js';

/** The contact's timeline and list memberships (what the contact page shows; not audited). */
export async function contactActivity(db: Db, workspaceId: string, contactId: string) {
  await getContact(db, workspaceId, contactId);
  const memberOf = await db.select({ id: lists.id, name: lists.name, addedAt: listMembers.addedAt }).from(listMembers).innerJoin(lists, eq(lists.id, listMembers.listId)).where(eq(listMembers.contactId, contactId));
  const events = await db.select().from(contactEvents).where(eq(contactEvents.contactId, contactId)).orderBy(asc(contactEvents.occurredAt)).limit(1000);
  return {
    lists: memberOf.map((l) => ({ id: l.id, name: l.name, addedAt: l.addedAt.toISOString() })),
    events: events.map((e) => ({ type: e.type, channel: e.channel, campaignId: e.campaignId, messageId: e.messageId, metadata: e.metadata, occurredAt: e.occurredAt.toISOString() })),
  };
}

/** Everything held about one person, as the data subject would receive it (GDPR art. 15/20). */
export async function exportContactData(db: Db, scope: WorkspaceScope, actor: Actor, contactId: string) {
  const contact = await getContact(db, scope.workspaceId, contactId);
  const activity = await contactActivity(db, scope.workspaceId, contactId);
  const suppressed = contact.email ? await db.select({ kind: suppressions.kind, reason: suppressions.reason, createdAt: suppressions.createdAt }).from(suppressions).where(and(eq(suppressions.workspaceId, scope.workspaceId), eq(suppressions.value, contact.email))) : [];
  await recordAudit(db, actor, { workspaceId: scope.workspaceId, action: 'contact.gdpr_exported', targetType: 'contact', targetId: contactId });
  return {
    exportedAt: new Date().toISOString(),
    contact: contactView(contact),
    ...activity,
    suppressions: suppressed.map((s) => ({ kind: s.kind, reason: s.reason, createdAt: s.createdAt.toISOString() })),
    // Messages and conversations are added here by the campaign and inbox modules as they land.
    messages: [] as unknown[],
    conversations: [] as unknown[],
  };
}

/**
 * Erases a person (GDPR art. 17): personal fields, list memberships and event contents go; a
 * salted hash of the address stays in the suppression list so it is never imported and mailed
 * again. The row remains as an anonymous tombstone so campaign statistics still add up.
 */
export async function eraseContact(db: Db, scope: WorkspaceScope, actor: Actor, contactId: string) {
  const contact = await getContact(db, scope.workspaceId, contactId);
  const salt = await workspaceSalt(db, scope.workspaceId);
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (contact.email) {
      await addSuppressions(t, scope.workspaceId, [{ kind: 'email_hash', value: erasedEmailHash(salt, contact.email), reason: 'erasure' }]);
      await tx.delete(suppressions).where(and(eq(suppressions.workspaceId, scope.workspaceId), eq(suppressions.kind, 'email'), eq(suppressions.value, contact.email)));
    }
    await tx.delete(listMembers).where(eq(listMembers.contactId, contactId));
    await tx.update(contactEvents).set({ metadata: {} }).where(eq(contactEvents.contactId, contactId));
    await tx.update(contacts).set({
      email: null, firstName: null, lastName: null, company: null, title: null, phone: null, timeZone: null, source: null,
      custom: {}, tags: sql`'{}'::text[]`, messengerPsid: null, messengerPageId: null, status: 'erased', updatedAt: new Date(),
    }).where(eq(contacts.id, contactId));
    await recordAudit(t, actor, { workspaceId: scope.workspaceId, action: 'contact.erased', targetType: 'contact', targetId: contactId });
  });
}
