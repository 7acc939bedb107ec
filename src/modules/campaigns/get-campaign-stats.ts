import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/sql-helpers.js';
import { findCampaign, loadSteps } from './get-campaign.js';

interface Tally {
  scheduled: number; sent: number; failed: number; skipped: number; uncertain: number;
  opened: number; clicked: number; replied: number; bounced: number; unsubscribed: number;
  /** Bounces of messages counted as sent: what "delivered" subtracts. */
  bouncedSent: number;
}

const emptyTally = (): Tally => ({ scheduled: 0, sent: 0, failed: 0, skipped: 0, uncertain: 0, opened: 0, clicked: 0, replied: 0, bounced: 0, unsubscribed: 0, bouncedSent: 0 });

function add(into: Tally, from: Partial<Tally>) {
  for (const k of Object.keys(into) as (keyof Tally)[]) into[k] += Number(from[k] ?? 0);
}

const rate = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10_000) / 10_000 : 0);

function counts(t: Tally) {
  const { bouncedSent, ...rest } = t;
  return {
    ...rest,
    delivered: Math.max(0, t.sent - bouncedSent),
    openRate: rate(t.opened, t.sent), clickRate: rate(t.clicked, t.sent), replyRate: rate(t.replied, t.sent), bounceRate: rate(t.bounced, t.sent),
  };
}

/** Events that count per message; opens and clicks by bots and privacy proxies do not count. */
const EVENT_KINDS = { open: 'opened', click: 'clicked', replied: 'replied', bounced: 'bounced', unsubscribed: 'unsubscribed' } as const;

/**
 * Campaign numbers by step and variant plus a daily series. Every query starts from an index:
 * messages by (campaign_id, status); tracking events by (message_id, kind) for messages that
 * went out; replies, bounces and unsubscribes through contact_events' (workspace_id, type,
 * campaign_id) index, joined to messages by primary key. Cheap enough to poll.
 */
export async function getCampaignStats(db: Db, workspaceId: string, campaignId: string) {
  const campaign = await findCampaign(db, workspaceId, campaignId);
  const id = campaign.id;
  const [statusRows, eventRows, enrolledRows, seriesRows, steps] = await Promise.all([
    queryRows<{ step_position: number; variant_id: string | null; status: string; n: number }>(db, sql`
      SELECT step_position, variant_id, status, count(*)::int AS n FROM messages WHERE campaign_id = ${id} GROUP BY 1, 2, 3`),
    queryRows<{ step_position: number; variant_id: string | null; kind: keyof typeof EVENT_KINDS; n: number; n_sent: number }>(db, sql`
      WITH ev AS (${messageEvents(workspaceId, id)})
      SELECT m.step_position, m.variant_id, ev.kind, count(*)::int AS n, count(*) FILTER (WHERE m.status = 'sent')::int AS n_sent
      FROM ev JOIN messages m ON m.id = ev.message_id GROUP BY 1, 2, 3`),
    queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM enrollments WHERE campaign_id = ${id}`),
    queryRows<{ day: string; kind: string; n: number }>(db, sql`
      WITH ev AS (${messageEvents(workspaceId, id)}),
      firsts AS (
        SELECT m.sent_at AS at, 'sent' AS kind FROM messages m WHERE m.campaign_id = ${id} AND m.status = 'sent' AND m.sent_at IS NOT NULL
        UNION ALL SELECT ev.first_at, ev.kind FROM ev
      )
      SELECT to_char(at AT TIME ZONE ${campaign.timezone}, 'YYYY-MM-DD') AS day, kind, count(*)::int AS n FROM firsts GROUP BY 1, 2 ORDER BY 1`),
    loadSteps(db, id),
  ]);

  const byVariant = new Map<string, Tally>();
  const byStep = new Map<number, Tally>();
  const totals = emptyTally();
  const tallyFor = (position: number, variantId: string | null) => {
    if (!byStep.has(position)) byStep.set(position, emptyTally());
    const key = `${position}:${variantId ?? ''}`;
    if (!byVariant.has(key)) byVariant.set(key, emptyTally());
    return [byStep.get(position)!, byVariant.get(key)!];
  };
  for (const r of statusRows) {
    const status = r.status === 'paused' || r.status === 'sending' ? 'scheduled' : r.status;
    const part = { [status]: Number(r.n) } as Partial<Tally>;
    for (const t of [...tallyFor(r.step_position, r.variant_id), totals]) add(t, part);
  }
  for (const r of eventRows) {
    const part = { [EVENT_KINDS[r.kind]]: Number(r.n), ...(r.kind === 'bounced' ? { bouncedSent: Number(r.n_sent) } : {}) } as Partial<Tally>;
    for (const t of [...tallyFor(r.step_position, r.variant_id), totals]) add(t, part);
  }

  const positions = [...new Set([...steps.map((s) => s.position), ...byStep.keys()])].sort((a, b) => a - b);
  const series = new Map<string, { day: string; sent: number; opened: number; clicked: number; replied: number; bounced: number }>();
  for (const r of seriesRows) {
    const entry = series.get(r.day) ?? { day: r.day, sent: 0, opened: 0, clicked: 0, replied: 0, bounced: 0 };
    const key = r.kind === 'sent' ? 'sent' : EVENT_KINDS[r.kind as keyof typeof EVENT_KINDS];
    if (key !== 'unsubscribed') entry[key] += Number(r.n);
    series.set(r.day, entry);
  }
  return {
    totals: { enrolled: Number(enrolledRows[0]?.n ?? 0), ...counts(totals) },
    steps: positions.map((position) => ({
      position,
      counts: counts(byStep.get(position) ?? emptyTally()),
      variants: (steps.find((s) => s.position === position)?.variants ?? []).map((v) => ({ id: v.id, label: v.label, counts: counts(byVariant.get(`${position}:${v.id}`) ?? emptyTally()) })),
    })),
    series: [...series.values()].sort((a, b) => a.day.localeCompare(b.day)),
  };
}

/**
 * One row per (message, kind) with the first time it happened. Opens and clicks: human ones of
 * messages that went out. Replies, bounces, unsubscribes: contact_events naming the message (a
 * row without campaign_id is matched through the message too).
 */
function messageEvents(workspaceId: string, campaignId: string) {
  return sql`
    SELECT t.message_id, t.kind, min(t.occurred_at) AS first_at
    FROM messages m JOIN tracking_events t ON t.message_id = m.id AND t.kind IN ('open', 'click') AND NOT t.automated
    WHERE m.campaign_id = ${campaignId} AND m.status IN ('sent', 'uncertain')
    GROUP BY t.message_id, t.kind
    UNION ALL
    SELECT e.message_id, e.type AS kind, min(e.occurred_at) AS first_at
    FROM contact_events e JOIN messages m ON m.id = e.message_id AND m.campaign_id = ${campaignId}
    WHERE e.workspace_id = ${workspaceId} AND e.type IN ('replied', 'bounced', 'unsubscribed')
      AND (e.campaign_id = ${campaignId} OR e.campaign_id IS NULL) AND e.message_id IS NOT NULL
    GROUP BY e.message_id, e.type`;
}
