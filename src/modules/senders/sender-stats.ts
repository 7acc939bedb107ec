import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/sql-helpers.js';
import { utcDay } from '../../engine/sender-capacity.js';

export interface SenderStats {
  /** Sends counted against today's cap (UTC day), as the engine counts them. */
  sentToday: number;
  /** Campaign messages sent in the last 30 days, and how many of them bounced or got a reply. */
  sent30d: number;
  bounced30d: number;
  replied30d: number;
  bounceRate: number;
  replyRate: number;
}

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10000) / 10000 : 0);

/** Health figures for a workspace's inboxes: what the accounts page shows beside each one. */
export async function senderStats(db: Db, workspaceId: string, now = new Date()): Promise<Map<string, SenderStats>> {
  const since = new Date(now.getTime() - 30 * 86400_000).toISOString();
  const rows = await queryRows<{ id: string; sent_today: number; sent: number; bounced: number; replied: number }>(db, sql`
    SELECT s.id,
      COALESCE((SELECT sc.count FROM send_counters sc WHERE sc.key = 'sender:' || s.id AND sc.day = ${utcDay(now)}::date), 0)::int AS sent_today,
      COALESCE(m.sent, 0)::int AS sent, COALESCE(m.bounced, 0)::int AS bounced, COALESCE(m.replied, 0)::int AS replied
    FROM sender_accounts s
    LEFT JOIN LATERAL (
      SELECT count(*) AS sent,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM contact_events e WHERE e.message_id = msg.id AND e.type = 'bounced')) AS bounced,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM contact_events e WHERE e.message_id = msg.id AND e.type = 'replied')) AS replied
      FROM messages msg WHERE msg.sender_id = s.id
        -- A refusal at send time (SMTP 550) is a bounce as much as a later DSN is, so it counts as attempted.
        AND ((msg.status = 'sent' AND msg.sent_at >= ${since}::timestamptz)
          OR (msg.status = 'failed' AND msg.error_kind = 'permanent' AND msg.updated_at >= ${since}::timestamptz))
    ) m ON true
    WHERE s.workspace_id = ${workspaceId}`);
  return new Map(rows.map((r) => [r.id, {
    sentToday: r.sent_today, sent30d: r.sent, bounced30d: r.bounced, replied30d: r.replied, bounceRate: rate(r.bounced, r.sent), replyRate: rate(r.replied, r.sent),
  }]));
}
