import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contacts } from '../../db/schema/index.js';
import type { MessengerProfile } from '../../channels/messenger/index.js';

export interface Subscriber {
  id: string;
  firstName: string | null;
  lastName: string | null;
}

/**
 * The contact behind a PSID on a page, in the page's workspace: a new PSID becomes a contact
 * (source 'messenger', a Messenger subscriber) named from the profile when Facebook gave one; an
 * existing one without a name gets it once a profile is known.
 */
export async function findOrCreateSubscriber(db: Db, input: { workspaceId: string; fbPageId: string; psid: string; profile: MessengerProfile | null }): Promise<Subscriber & { created: boolean }> {
  const { workspaceId, fbPageId, psid, profile } = input;
  const [created] = await db.insert(contacts)
    .values({ workspaceId, messengerPageId: fbPageId, messengerPsid: psid, firstName: profile?.firstName ?? null, lastName: profile?.lastName ?? null, source: 'messenger' })
    .onConflictDoNothing({ target: [contacts.workspaceId, contacts.messengerPageId, contacts.messengerPsid] })
    .returning({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName });
  if (created) return { ...created, created: true };
  const where = and(eq(contacts.workspaceId, workspaceId), eq(contacts.messengerPageId, fbPageId), eq(contacts.messengerPsid, psid));
  if (profile && (profile.firstName || profile.lastName)) {
    const [named] = await db.update(contacts).set({ firstName: profile.firstName, lastName: profile.lastName, updatedAt: new Date() })
      .where(and(where, isNull(contacts.firstName), isNull(contacts.lastName)))
      .returning({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName });
    if (named) return { ...named, created: false };
  }
  const [row] = await db.select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName }).from(contacts).where(where);
  return { ...row!, created: false };
}

export async function findSubscriber(db: Db, input: { workspaceId: string; fbPageId: string; psid: string }): Promise<Subscriber | null> {
  const [row] = await db.select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName }).from(contacts)
    .where(and(eq(contacts.workspaceId, input.workspaceId), eq(contacts.messengerPageId, input.fbPageId), eq(contacts.messengerPsid, input.psid)));
  return row ?? null;
}

/** Whether a contact already has a name (then its profile need not be fetched). */
export const namedSql = or(sql`${contacts.firstName} IS NOT NULL`, sql`${contacts.lastName} IS NOT NULL`);
