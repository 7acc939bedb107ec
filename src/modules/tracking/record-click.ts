import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/sql-helpers.js';
import { stopContactSequences } from '../../engine/stop-rules.js';
import { detectAutomated } from './detect-automated.js';
import { insertTrackingEvent, lockMessageEvents, type TrackingRequest } from './record-open.js';

export interface StoredLink {
  url: string;
  workspaceId: string;
  campaignId: string;
  contactId: string;
  sentAt: Date | null;
  stopOnClick: boolean;
}

/** The URL stored with the message at this position; nothing else can be reached through a click token. */
export async function findStoredLink(db: Db, messageId: string, position: number): Promise<StoredLink | null> {
  const [row] = await queryRows<{ url: string; workspace_id: string; campaign_id: string; contact_id: string; sent_at: Date | string | null; stop_on_click: boolean }>(db, sql`
    SELECT l.url, m.workspace_id, m.campaign_id, m.contact_id, m.sent_at, c.stop_on_click
    FROM message_links l
    JOIN messages m ON m.id = l.message_id
    JOIN campaigns c ON c.id = m.campaign_id
    WHERE l.message_id = ${messageId} AND l.position = ${position}`);
  if (!row) return null;
  return { url: row.url, workspaceId: row.workspace_id, campaignId: row.campaign_id, contactId: row.contact_id, sentAt: row.sent_at ? new Date(row.sent_at) : null, stopOnClick: row.stop_on_click };
}

/**
 * Records one click. Every request becomes a tracking event (scanners flagged); the first human
 * click of a message becomes the contact's "clicked" event, and a human click stops the contact
 * in this campaign when the campaign stops on click.
 */
export async function recordClick(db: Db, link: StoredLink & { messageId: string; position: number }, request: TrackingRequest): Promise<{ automated: string | null; firstClick: boolean; stopped: number }> {
  const automated = detectAutomated({ userAgent: request.userAgent, method: request.method, sentAt: link.sentAt, now: request.now ?? new Date() });
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await insertTrackingEvent(t, link, 'click', request, automated, link.position);
    if (automated) return { automated, firstClick: false, stopped: 0 };
    await lockMessageEvents(t, link.messageId);
    const created = await queryRows<{ id: number }>(t, sql`
      INSERT INTO contact_events (workspace_id, contact_id, type, channel, campaign_id, message_id, metadata)
      SELECT ${link.workspaceId}, ${link.contactId}, 'clicked', 'email', ${link.campaignId}, ${link.messageId},
             ${JSON.stringify({ url: link.url, position: link.position })}::jsonb
      WHERE NOT EXISTS (SELECT 1 FROM contact_events WHERE contact_id = ${link.contactId} AND message_id = ${link.messageId} AND type = 'clicked')
      RETURNING id`);
    const stopped = link.stopOnClick
      ? await stopContactSequences(t, { workspaceId: link.workspaceId, contactId: link.contactId, reason: 'clicked', campaignId: link.campaignId })
      : 0;
    return { automated: null, firstClick: created.length > 0, stopped };
  });
}
