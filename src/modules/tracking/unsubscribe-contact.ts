import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/sql-helpers.js';
import { stopContactSequences } from '../../engine/stop-rules.js';
import { addSuppressions } from '../contacts/suppressions.js';

export interface UnsubscribeTarget {
  workspaceId: string;
  workspaceName: string;
  campaignId: string;
  contactId: string;
  /** The contact's address (null once erased), else the address the message went to. */
  email: string | null;
  contactStatus: string;
}

const targetSql = (messageId: string, lock: boolean) => sql`
  SELECT m.workspace_id, w.name AS workspace_name, m.campaign_id, m.contact_id, m.to_email, c.email, c.status
  FROM messages m
  JOIN contacts c ON c.id = m.contact_id
  JOIN workspaces w ON w.id = m.workspace_id
  WHERE m.id = ${messageId}
  ${lock ? sql`FOR UPDATE OF c` : sql``}`;

type TargetRow = { workspace_id: string; workspace_name: string; campaign_id: string; contact_id: string; to_email: string | null; email: string | null; status: string };

/** Who a message's unsubscribe link speaks for; null for an unknown message. Reads only. */
export async function findUnsubscribeTarget(db: Db, messageId: string): Promise<UnsubscribeTarget | null> {
  const [row] = await queryRows<TargetRow>(db, targetSql(messageId, false));
  return row ? toTarget(row) : null;
}

function toTarget(row: TargetRow): UnsubscribeTarget {
  return {
    workspaceId: row.workspace_id,
    workspaceName: row.workspace_name,
    campaignId: row.campaign_id,
    contactId: row.contact_id,
    email: row.status === 'erased' ? null : row.email ?? row.to_email,
    contactStatus: row.status,
  };
}

/** "j***@example.com": enough for a person to recognise their address, not to harvest it. */
export function maskEmail(email: string | null): string {
  if (!email) return 'this address';
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export interface UnsubscribeResult {
  target: UnsubscribeTarget;
  /** False when a previous request already did everything (the request is idempotent). */
  changed: boolean;
  stoppedEnrollments: number;
}

/**
 * RFC 8058 one-click unsubscribe of the contact a message went to, in one transaction: the
 * contact becomes 'unsubscribed' (an erased, bounced or complained contact keeps its status),
 * its address is suppressed, an 'unsubscribed' event names the campaign and message, and its
 * remaining steps stop in every campaign of the workspace. Repeating it changes nothing.
 */
export async function unsubscribeContact(db: Db, messageId: string, source: 'one-click' | 'page'): Promise<UnsubscribeResult | null> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    // Locks the contact: two requests at once still record one event.
    const [row] = await queryRows<TargetRow>(t, targetSql(messageId, true));
    if (!row) return null;
    const target = toTarget(row);
    let changed = false;
    if (row.status === 'active') {
      await t.execute(sql`UPDATE contacts SET status = 'unsubscribed', updated_at = now() WHERE id = ${row.contact_id}`);
      changed = true;
    }
    // An erased contact is already suppressed by hash; writing its address back would undo the erasure.
    if (row.status !== 'erased') {
      const addresses = [...new Set([row.email, row.to_email].filter((e): e is string => Boolean(e)).map((e) => e.trim().toLowerCase()))];
      const added = await addSuppressions(t, row.workspace_id, addresses.map((value) => ({ kind: 'email' as const, value, reason: 'unsubscribe' as const })));
      changed ||= added > 0;
    }
    if (changed) {
      await t.execute(sql`
        INSERT INTO contact_events (workspace_id, contact_id, type, channel, campaign_id, message_id, metadata)
        VALUES (${row.workspace_id}, ${row.contact_id}, 'unsubscribed', 'email', ${row.campaign_id}, ${messageId}, ${JSON.stringify({ source })}::jsonb)`);
    }
    const stoppedEnrollments = await stopContactSequences(t, { workspaceId: row.workspace_id, contactId: row.contact_id, reason: 'unsubscribed' });
    return { target, changed, stoppedEnrollments };
  });
}
