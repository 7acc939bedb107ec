import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/sql-helpers.js';
import { detectAutomated } from './detect-automated.js';

export interface TrackingRequest {
  userAgent: string | null;
  ip: string | null;
  method: string;
  now?: Date;
}

export interface TrackedMessage {
  workspaceId: string;
  campaignId: string;
  contactId: string;
  sentAt: Date | null;
}

/** One lock namespace for "first human open/click of a message" (two-key advisory locks). */
const FIRST_EVENT_LOCK = 0x74726b31;
const MAX_AGENT_CHARS = 512;

/**
 * Serialises the "is this the first one?" check per message, so two opens arriving together
 * still make one contact event. Unrelated messages sharing a hash only wait for each other.
 */
export async function lockMessageEvents(db: Db, messageId: string) {
  await db.execute(sql`SELECT pg_advisory_xact_lock(${sql.raw(String(FIRST_EVENT_LOCK))}, hashtext(${messageId}))`);
}

export async function insertTrackingEvent(db: Db, message: TrackedMessage & { messageId: string }, kind: 'open' | 'click', request: TrackingRequest, automated: string | null, linkPosition: number | null) {
  await db.execute(sql`
    INSERT INTO tracking_events (workspace_id, message_id, kind, link_position, automated, user_agent, ip, metadata)
    VALUES (${message.workspaceId}, ${message.messageId}, ${kind}, ${linkPosition}, ${automated !== null},
            ${request.userAgent?.slice(0, MAX_AGENT_CHARS) ?? null}, ${request.ip}, ${JSON.stringify(automated ? { automatedReason: automated } : {})}::jsonb)`);
}

/**
 * Records one fetch of the open pixel. Every fetch becomes a tracking event (flagged when a
 * proxy or scanner made it); only the first human open of a message becomes the contact's
 * "opened" event. Returns null for an unknown message.
 */
export async function recordOpen(db: Db, messageId: string, request: TrackingRequest): Promise<{ automated: string | null; firstOpen: boolean } | null> {
  const [row] = await queryRows<{ workspace_id: string; campaign_id: string; contact_id: string; sent_at: Date | string | null }>(db, sql`
    SELECT workspace_id, campaign_id, contact_id, sent_at FROM messages WHERE id = ${messageId}`);
  if (!row) return null;
  const message = { messageId, workspaceId: row.workspace_id, campaignId: row.campaign_id, contactId: row.contact_id, sentAt: row.sent_at ? new Date(row.sent_at) : null };
  const automated = detectAutomated({ userAgent: request.userAgent, method: request.method, sentAt: message.sentAt, now: request.now ?? new Date() });
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await insertTrackingEvent(t, message, 'open', request, automated, null);
    if (automated) return { automated, firstOpen: false };
    await lockMessageEvents(t, messageId);
    const created = await queryRows<{ id: number }>(t, sql`
      INSERT INTO contact_events (workspace_id, contact_id, type, channel, campaign_id, message_id)
      SELECT ${message.workspaceId}, ${message.contactId}, 'opened', 'email', ${message.campaignId}, ${messageId}
      WHERE NOT EXISTS (SELECT 1 FROM contact_events WHERE contact_id = ${message.contactId} AND message_id = ${messageId} AND type = 'opened')
      RETURNING id`);
    return { automated: null, firstOpen: created.length > 0 };
  });
}
