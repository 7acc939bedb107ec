import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contactEvents, contacts, importUndo, listMembers, lists, suppressions } from '../../db/schema/index.js';
import type { WorkspaceScope } from '../../http/context.js';
import { queryRows } from '../../db/sql-helpers.js';
import { stopContactSequences } from '../../engine/stop-rules.js';
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
    ...(await heldCommunication(db, scope.workspaceId, contactId)),
  };
}

/** Campaign messages sent to the person (with opens and clicks) and every conversation with them. */
async function heldCommunication(db: Db, workspaceId: string, contactId: string) {
  const messages = await queryRows<Record<string, unknown>>(db, sql`
    SELECT m.id, c.name AS campaign, m.step_position AS step, m.status, m.to_email AS "to", m.subject, m.body_text AS text, m.body_html AS html,
      m.sent_at AS "sentAt", m.reason,
      COALESCE((SELECT json_agg(json_build_object('kind', te.kind, 'at', te.occurred_at, 'ip', te.ip, 'userAgent', te.user_agent, 'automated', te.automated) ORDER BY te.id)
        FROM tracking_events te WHERE te.message_id = m.id), '[]') AS tracking
    FROM messages m JOIN campaigns c ON c.id = m.campaign_id
    WHERE m.workspace_id = ${workspaceId} AND m.contact_id = ${contactId} AND m.status NOT IN ('scheduled', 'paused')
    ORDER BY m.created_at`);
  const conversations = await queryRows<Record<string, unknown>>(db, sql`
    SELECT cv.id, cv.channel, cv.subject, cv.status, cv.labels, cv.created_at AS "createdAt",
      COALESCE((SELECT json_agg(json_build_object('direction', cm.direction, 'from', cm.from_address, 'subject', cm.subject, 'text', cm.text,
        'status', cm.status, 'at', cm.occurred_at) ORDER BY cm.occurred_at) FROM conversation_messages cm WHERE cm.conversation_id = cv.id), '[]') AS messages
    FROM conversations cv WHERE cv.workspace_id = ${workspaceId} AND cv.contact_id = ${contactId} ORDER BY cv.created_at`);
  return { messages, conversations };
}

/**
 * Erases a person (GDPR art. 17): personal fields, list memberships, event contents, message
 * and conversation texts and tracking fingerprints go, and their sequences stop; a
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
    // A running import's snapshot of this contact would bring the erased fields back if that import were undone.
    await tx.delete(importUndo).where(eq(importUndo.contactId, contactId));
    await stopContactSequences(t, { workspaceId: scope.workspaceId, contactId, reason: 'contact erased' });
    // Message contents, thread texts and tracking fingerprints go; rows stay so statistics still add up.
    // A failure reason may quote the address ("<x@y>: User unknown"); skip reasons are our own words.
    await t.execute(sql`UPDATE messages SET to_email = NULL, subject = NULL, body_text = NULL, body_html = NULL,
      reason = CASE WHEN status = 'skipped' THEN reason END WHERE contact_id = ${contactId}`);
    await t.execute(sql`DELETE FROM message_links WHERE message_id IN (SELECT id FROM messages WHERE contact_id = ${contactId})`);
    await t.execute(sql`UPDATE tracking_events SET ip = NULL, user_agent = NULL, metadata = '{}' WHERE message_id IN (SELECT id FROM messages WHERE contact_id = ${contactId})`);
    await t.execute(sql`UPDATE conversation_messages SET from_name = NULL, from_address = NULL, subject = NULL, text = NULL, html = NULL, metadata = '{}'
      WHERE conversation_id IN (SELECT id FROM conversations WHERE contact_id = ${contactId})`);
    await t.execute(sql`UPDATE conversations SET subject = NULL, last_preview = NULL WHERE contact_id = ${contactId}`);
    await tx.update(contactEvents).set({ metadata: {} }).where(eq(contactEvents.contactId, contactId));
    await tx.update(contacts).set({
      email: null, firstName: null, lastName: null, company: null, title: null, phone: null, timeZone: null, source: null,
      custom: {}, tags: sql`'{}'::text[]`, messengerPsid: null, messengerPageId: null, status: 'erased', updatedAt: new Date(),
    }).where(eq(contacts.id, contactId));
    await recordAudit(t, actor, { workspaceId: scope.workspaceId, action: 'contact.erased', targetType: 'contact', targetId: contactId });
  });
}
