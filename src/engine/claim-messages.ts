import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows, sqlArray } from '../db/sql-helpers.js';
import type { BillingConfig } from '../config.js';
import { lockQuotas, QUOTA_REASON, quotaKey, quotaMonth, type QuotaSlot } from '../modules/billing/quota.js';
import { suppressedSql } from '../modules/contacts/suppressions.js';
import type { SenderRow } from '../modules/senders/senders.js';
import { senderAccounts } from '../db/schema/index.js';
import { inArray } from 'drizzle-orm';
import type { TrackingKeys } from '../modules/tracking/tokens.js';
import { windowOf } from './enroll.js';
import { composeMessage, type ComposedMessage, type StepVariant } from './compose-message.js';
import { localDay, localTime, isInWindow, nextWindowOpen, isValidTimezone } from './sending-window.js';
import { nextUtcMidnight, randomGapMs, todayLimit, utcDay } from './sender-capacity.js';

/** One due message with everything the decision and the rendering need, read in one query. */
export interface Candidate {
  id: string; workspace_id: string; campaign_id: string; enrollment_id: string; contact_id: string;
  step_position: number; sender_id: string | null; attempts: number;
  campaign_status: string; timezone: string; send_days: number[]; window_start_minute: number; window_end_minute: number;
  use_contact_timezone: boolean; daily_new_limit: number | null; track_opens: boolean; track_clicks: boolean;
  enrollment_status: string; stop_reason: string | null; thread_sender_id: string | null; thread_message_id: string | null;
  thread_references: string[] | null; thread_subject: string | null; provider_thread_id: string | null;
  email: string | null; contact_status: string; first_name: string | null; last_name: string | null; company: string | null;
  title: string | null; phone: string | null; time_zone: string | null; custom: Record<string, string | number | boolean | null>;
  suppressed: boolean; postal_address: string | null; tracking_domain: string | null;
}

export interface ClaimedMessage {
  candidate: Candidate;
  sender: SenderRow;
  composed: ComposedMessage;
}

export interface ClaimOptions {
  now: Date;
  workerId: string;
  limit: number;
  leaseMs: number;
  /** Base URL for unsubscribe and tracking links when a workspace has no tracking domain. */
  publicUrl: string;
  keys: TrackingKeys;
  /** Plan limits: each workspace's monthly message quota holds here. Absent or null = no quota (self-hosted). */
  billing?: BillingConfig | null;
}

interface SenderSlot {
  row: SenderRow;
  locked: boolean;
  remaining: number;
  nextSendAt: Date;
  claimedNow: number;
}

type Decision =
  | { kind: 'skip'; reason: string; stopEnrollment: boolean }
  | { kind: 'pause'; reason: string }
  | { kind: 'later'; sendAt: Date }
  | { kind: 'wait' }
  | { kind: 'send'; slot: SenderSlot };

const CONTACT_STATUS_REASON: Record<string, string> = {
  unsubscribed: 'contact unsubscribed', bounced: 'address bounced', complained: 'contact complained', erased: 'contact erased',
};

/**
 * Claims due messages in one transaction: locks them (SKIP LOCKED, so workers never wait on each
 * other), applies stop rules, windows, daily limits, gaps and rotation under the senders' pacing
 * row locks (so caps hold across any number of workers), renders the survivors and marks them
 * 'sending' with a lease. Everything that cannot go now is skipped, paused or moved to the
 * moment it can, so it does not come back at the head of the next claim.
 */
export async function claimMessages(db: Db, opts: ClaimOptions): Promise<ClaimedMessage[]> {
  const { now } = opts;
  return db.transaction(async (tx) => {
    const candidates = await queryRows<Candidate>(tx, sql`
      SELECT m.id, m.workspace_id, m.campaign_id, m.enrollment_id, m.contact_id, m.step_position, m.sender_id, m.attempts,
        c.status AS campaign_status, c.timezone, c.send_days, c.window_start_minute, c.window_end_minute, c.use_contact_timezone,
        c.daily_new_limit, c.track_opens, c.track_clicks,
        e.status AS enrollment_status, e.stop_reason, e.sender_id AS thread_sender_id, e.thread_message_id, e.thread_references,
        e.thread_subject, e.provider_thread_id,
        contacts.email, contacts.status AS contact_status, contacts.first_name, contacts.last_name, contacts.company, contacts.title,
        contacts.phone, contacts.time_zone, contacts.custom,
        (contacts.email IS NOT NULL AND ${suppressedSql()}) AS suppressed,
        w.postal_address, w.tracking_domain
      FROM messages m
      JOIN campaigns c ON c.id = m.campaign_id
      JOIN enrollments e ON e.id = m.enrollment_id
      JOIN contacts ON contacts.id = m.contact_id
      JOIN workspaces w ON w.id = m.workspace_id
      WHERE m.status = 'scheduled' AND m.send_at <= ${now.toISOString()}::timestamptz
      ORDER BY m.send_at
      LIMIT ${opts.limit}
      FOR UPDATE OF m SKIP LOCKED`);
    if (!candidates.length) return [];

    const campaignIds = [...new Set(candidates.map((c) => c.campaign_id))];
    const { slots, rotation, pools } = await lockSenders(tx, candidates, now);
    const newToday = await lockCampaignCounters(tx, candidates, now);
    // After the campaign counters: every transaction takes counter rows in the same order (campaign, quota, sender).
    const quotas = opts.billing ? await lockQuotas(tx, opts.billing, candidates.map((c) => c.workspace_id), now) : null;
    const variants = await loadVariants(tx, campaignIds);

    const decisions = candidates.map((c) => [c, decide(c, { now, rotation, pools, slots, newToday, quotas })] as const);
    const claimed: ClaimedMessage[] = [];
    const skipped: { id: string; reason: string; stop: boolean }[] = [];
    const paused: { id: string; reason: string }[] = [];
    const later: { id: string; at: string }[] = [];
    for (const [candidate, d] of decisions) {
      if (d.kind === 'skip') skipped.push({ id: candidate.id, reason: d.reason, stop: d.stopEnrollment });
      else if (d.kind === 'pause') paused.push({ id: candidate.id, reason: d.reason });
      else if (d.kind === 'later') later.push({ id: candidate.id, at: d.sendAt.toISOString() });
      else if (d.kind === 'send') {
        // A message that turns out not to go does not use the quota unit decide() set aside for it.
        const giveBack = () => { const q = quotas?.get(candidate.workspace_id); if (q) q.used -= 1; };
        const stepVariants = variants.get(`${candidate.campaign_id}:${candidate.step_position}`);
        if (!stepVariants?.length) {
          giveBack();
          skipped.push({ id: candidate.id, reason: 'the step was removed from the sequence', stop: false });
          continue;
        }
        const firstSubject = variants.get(`${candidate.campaign_id}:1`)?.[0]?.subject ?? '';
        const composed = composeMessage({ candidate, sender: d.slot.row, variants: stepVariants, firstSubject, publicUrl: opts.publicUrl, keys: opts.keys });
        if (!composed.ok) {
          giveBack();
          skipped.push({ id: candidate.id, reason: composed.reason, stop: false });
          continue;
        }
        claimed.push({ candidate, sender: d.slot.row, composed: composed.message });
      }
    }

    await applyOutcomes(tx, { skipped, paused, later });
    await markSending(tx, claimed, opts);
    await saveCounters(tx, claimed, slots, now, quotas !== null);
    return claimed;
  });
}

interface DecideContext {
  now: Date;
  /** Locked rotation inboxes per campaign (a subset of its pool: what this claim may use). */
  rotation: Map<string, string[]>;
  pools: Map<string, PoolState>;
  slots: Map<string, SenderSlot>;
  newToday: Map<string, { used: number; day: string }>;
  /** Monthly message quota per workspace (locked); null without billing. */
  quotas: Map<string, QuotaSlot> | null;
}

function decide(c: Candidate, ctx: DecideContext): Decision {
  const { now } = ctx;
  if (c.campaign_status === 'paused') return { kind: 'pause', reason: 'campaign paused' };
  if (c.campaign_status !== 'running') return { kind: 'skip', reason: `campaign ${c.campaign_status}`, stopEnrollment: false };
  if (c.enrollment_status !== 'active') return { kind: 'skip', reason: c.stop_reason ?? `sequence ${c.enrollment_status}`, stopEnrollment: false };
  if (c.contact_status !== 'active') return { kind: 'skip', reason: CONTACT_STATUS_REASON[c.contact_status] ?? `contact ${c.contact_status}`, stopEnrollment: true };
  if (!c.email) return { kind: 'skip', reason: 'contact has no email address', stopEnrollment: true };
  if (c.suppressed) return { kind: 'skip', reason: 'address is on the suppression list', stopEnrollment: true };

  const zone = c.use_contact_timezone && c.time_zone && isValidTimezone(c.time_zone) ? c.time_zone : c.timezone;
  const window = windowOf({ timezone: c.timezone, sendDays: c.send_days, windowStartMinute: c.window_start_minute, windowEndMinute: c.window_end_minute }, zone);
  if (!isInWindow(window, now)) return { kind: 'later', sendAt: nextWindowOpen(window, now) };

  if (c.step_position === 1 && c.daily_new_limit !== null) {
    const counter = ctx.newToday.get(c.campaign_id)!;
    if (counter.used >= c.daily_new_limit) {
      const minutesLeft = 1440 - localTime(c.timezone, now).minute;
      return { kind: 'later', sendAt: nextWindowOpen(window, new Date(now.getTime() + minutesLeft * 60_000)) };
    }
  }

  const pinned = pinnedSender(c);
  const slot = pinned ? decidePinned(ctx.slots.get(pinned), now) : decideRotation(ctx.rotation.get(c.campaign_id) ?? [], ctx.pools.get(c.campaign_id), ctx.slots, now);
  if (slot.kind !== 'send') return slot;
  // Quota last: only a message that would go now uses it. Reached, the message waits (paused, not
  // failed) with a reason the user sees, until an upgrade or the next month makes room.
  const quota = ctx.quotas?.get(c.workspace_id);
  if (quota && quota.allowed !== null && quota.used >= quota.allowed) return { kind: 'pause', reason: QUOTA_REASON };
  if (quota) quota.used += 1;
  take(slot.slot, now);
  if (c.step_position === 1 && c.daily_new_limit !== null) ctx.newToday.get(c.campaign_id)!.used += 1;
  return slot;
}

/** A follow-up goes from the inbox that owns its thread, or waits for it. */
function decidePinned(slot: SenderSlot | undefined, now: Date): Decision {
  if (!slot) return { kind: 'pause', reason: 'the sending account was removed' };
  if (slot.row.status !== 'active') return { kind: 'pause', reason: `sending account ${slot.row.email} is ${slot.row.status.replace('_', ' ')}` };
  if (!slot.locked) return { kind: 'wait' };
  if (slot.remaining <= 0) return { kind: 'later', sendAt: nextUtcMidnight(now) };
  if (ready(slot, now)) return { kind: 'send', slot };
  return slot.nextSendAt > now ? { kind: 'later', sendAt: slot.nextSendAt } : { kind: 'wait' };
}

/**
 * A first step goes from the campaign inbox with the most sends left today among those this
 * claim holds; when none can, the pool's state says whether to pause (no active inbox), come
 * back tomorrow (all capped), at the next free moment (gaps), or simply next round.
 */
function decideRotation(locked: string[], pool: PoolState | undefined, slots: Map<string, SenderSlot>, now: Date): Decision {
  const readySlots = locked.map((id) => slots.get(id)!).filter((s) => s.row.status === 'active' && s.remaining > 0 && ready(s, now));
  if (readySlots.length) {
    const slot = readySlots.reduce((best, s) => (s.remaining - s.claimedNow > best.remaining - best.claimedNow ? s : best));
    return { kind: 'send', slot };
  }
  if (!pool?.anyActive) return { kind: 'pause', reason: 'no active sending account in this campaign' };
  if (!pool.nextFree) return { kind: 'later', sendAt: nextUtcMidnight(now) };
  return pool.nextFree > now ? { kind: 'later', sendAt: pool.nextFree } : { kind: 'wait' };
}

const ready = (s: SenderSlot, now: Date) => s.locked && s.remaining > 0 && (gapless(s) || (s.claimedNow === 0 && s.nextSendAt <= now));

function take(slot: SenderSlot, now: Date) {
  slot.remaining -= 1;
  slot.claimedNow += 1;
  if (!gapless(slot)) slot.nextSendAt = new Date(now.getTime() + randomGapMs(slot.row));
}

const pinnedSender = (c: Candidate) => (c.step_position > 1 ? (c.thread_sender_id ?? c.sender_id) : c.sender_id);

const gapless = (s: SenderSlot) => s.row.maxGapSeconds <= 0;

/** todayLimit() in SQL (cap, warm-up ramp, provider ceiling) so pool queries agree with the claim. */
const todayLimitSql = (now: Date) => sql`LEAST(
  CASE WHEN s.warmup_enabled THEN LEAST(s.daily_cap, s.warmup_max,
    s.warmup_start + s.warmup_increment * GREATEST(0, floor(extract(epoch FROM (${now.toISOString()}::timestamptz - COALESCE(s.warmup_started_at, ${now.toISOString()}::timestamptz))) / 86400))::int)
  ELSE s.daily_cap END,
  CASE s.kind WHEN 'gmail' THEN (CASE WHEN s.email ~* '@(gmail|googlemail)[.]com$' THEN 500 ELSE 2000 END) WHEN 'outlook' THEN 10000 ELSE 2147483647 END)`;

/** What a campaign's whole inbox pool looks like, without locking it. */
interface PoolState {
  anyActive: boolean;
  /** Earliest moment an active inbox under its cap is free; null when every active inbox is capped. */
  nextFree: Date | null;
}

/**
 * Locks the inboxes this claim may send from: every pinned inbox of a follow-up, and for first
 * steps only as many free, uncapped rotation inboxes as the batch can use (oldest-free first).
 * SKIP LOCKED means another worker's inboxes are simply not ours this round, so with thousands of
 * inboxes workers take disjoint sets instead of queueing behind one another.
 */
async function lockSenders(tx: Db, candidates: Candidate[], now: Date) {
  const today = utcDay(now);
  const pinnedIds = [...new Set(candidates.flatMap((c) => { const p = pinnedSender(c); return p ? [p] : []; }))];
  const rotationCampaigns = [...new Set(candidates.filter((c) => !pinnedSender(c)).map((c) => c.campaign_id))];

  const pools = new Map<string, PoolState>();
  let rotationIds: string[] = [];
  if (rotationCampaigns.length) {
    const campaignList = sqlArray(rotationCampaigns, 'uuid');
    await tx.execute(sql`INSERT INTO sender_pacing (sender_id) SELECT DISTINCT sender_id FROM campaign_senders WHERE campaign_id = ANY(${campaignList}) ON CONFLICT (sender_id) DO NOTHING`);
    const states = await queryRows<{ campaign_id: string; any_active: boolean; next_free: Date | string | null }>(tx, sql`
      SELECT cs.campaign_id, bool_or(s.status = 'active') AS any_active,
        min(p.next_send_at) FILTER (WHERE s.status = 'active' AND COALESCE(sc.count, 0) < ${todayLimitSql(now)}) AS next_free
      FROM campaign_senders cs
      JOIN sender_accounts s ON s.id = cs.sender_id
      LEFT JOIN sender_pacing p ON p.sender_id = s.id
      LEFT JOIN send_counters sc ON sc.key = 'sender:' || s.id AND sc.day = ${today}::date
      WHERE cs.campaign_id = ANY(${campaignList}) GROUP BY cs.campaign_id`);
    for (const r of states) pools.set(r.campaign_id, { anyActive: r.any_active, nextFree: r.next_free ? new Date(r.next_free) : null });
    // Each campaign of the batch gets up to as many of its own free inboxes as it has first steps
    // here (plus one spare, in case another worker holds one): a global "oldest-free first" limit
    // can spend the whole budget on a few campaigns and leave the rest of the batch waiting.
    const need = new Map<string, number>();
    for (const c of candidates) if (!pinnedSender(c)) need.set(c.campaign_id, (need.get(c.campaign_id) ?? 0) + 1);
    const needs = JSON.stringify([...need].map(([campaign_id, n]) => ({ campaign_id, n: n + 1 })));
    const lockedRotation = await queryRows<{ sender_id: string }>(tx, sql`
      SELECT p.sender_id FROM sender_pacing p
      WHERE p.sender_id IN (
        SELECT sender_id FROM (
          SELECT cs.sender_id, need.n, row_number() OVER (PARTITION BY cs.campaign_id ORDER BY p2.next_send_at, cs.sender_id) AS rank
          FROM jsonb_to_recordset(${needs}::jsonb) AS need(campaign_id uuid, n int)
          JOIN campaign_senders cs ON cs.campaign_id = need.campaign_id
          JOIN sender_pacing p2 ON p2.sender_id = cs.sender_id
          JOIN sender_accounts s ON s.id = cs.sender_id
          LEFT JOIN send_counters sc ON sc.key = 'sender:' || s.id AND sc.day = ${today}::date
          WHERE s.status = 'active' AND p2.next_send_at <= ${now.toISOString()}::timestamptz AND COALESCE(sc.count, 0) < ${todayLimitSql(now)}
        ) ranked WHERE rank <= n)
      ORDER BY p.next_send_at
      FOR UPDATE OF p SKIP LOCKED`);
    rotationIds = lockedRotation.map((r) => r.sender_id);
  }

  let pinnedLocked: string[] = [];
  if (pinnedIds.length) {
    await tx.execute(sql`INSERT INTO sender_pacing (sender_id) SELECT unnest(${sqlArray(pinnedIds, 'uuid')}) ON CONFLICT (sender_id) DO NOTHING`);
    const rows = await queryRows<{ sender_id: string }>(tx, sql`
      SELECT sender_id FROM sender_pacing WHERE sender_id = ANY(${sqlArray(pinnedIds.filter((id) => !rotationIds.includes(id)), 'uuid')})
      ORDER BY sender_id FOR UPDATE SKIP LOCKED`);
    pinnedLocked = rows.map((r) => r.sender_id);
  }

  const lockedIds = new Set([...rotationIds, ...pinnedLocked]);
  const idList = [...new Set([...rotationIds, ...pinnedIds])];
  const slots = new Map<string, SenderSlot>();
  const rotation = new Map<string, string[]>();
  if (!idList.length) return { slots, rotation, pools };
  const ids = sqlArray(idList, 'uuid');
  const pacing = new Map((await queryRows<{ sender_id: string; next_send_at: Date | string }>(tx, sql`
    SELECT sender_id, next_send_at FROM sender_pacing WHERE sender_id = ANY(${ids})`)).map((r) => [r.sender_id, new Date(r.next_send_at)]));
  const used = new Map((await queryRows<{ key: string; count: number }>(tx, sql`
    SELECT key, count FROM send_counters WHERE day = ${today}::date AND key = ANY(${sqlArray(idList.map((id) => `sender:${id}`), 'text')})`))
    .map((r) => [r.key.slice('sender:'.length), r.count]));
  for (const row of await tx.select().from(senderAccounts).where(inArray(senderAccounts.id, idList))) {
    slots.set(row.id, { row, locked: lockedIds.has(row.id), remaining: todayLimit(row, now) - (used.get(row.id) ?? 0), nextSendAt: pacing.get(row.id) ?? now, claimedNow: 0 });
  }
  if (rotationIds.length) {
    const members = await queryRows<{ campaign_id: string; sender_id: string }>(tx, sql`
      SELECT campaign_id, sender_id FROM campaign_senders WHERE sender_id = ANY(${sqlArray(rotationIds, 'uuid')}) AND campaign_id = ANY(${sqlArray(rotationCampaigns, 'uuid')})`);
    for (const m of members) rotation.set(m.campaign_id, [...(rotation.get(m.campaign_id) ?? []), m.sender_id]);
  }
  return { slots, rotation, pools };
}

/** Campaign "new contacts per day" counters, locked (they are shared by every inbox of the campaign). */
async function lockCampaignCounters(tx: Db, candidates: Candidate[], now: Date): Promise<Map<string, { used: number; day: string }>> {
  const limited = new Map<string, string>();
  for (const c of candidates) if (c.step_position === 1 && c.daily_new_limit !== null) limited.set(c.campaign_id, localDay(c.timezone, now));
  const out = new Map<string, { used: number; day: string }>();
  // In id order, so two workers locking overlapping campaigns never wait on each other in a cycle.
  for (const [campaignId, day] of [...limited].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const key = `campaign:${campaignId}`;
    await tx.execute(sql`INSERT INTO send_counters (key, day, count) VALUES (${key}, ${day}::date, 0) ON CONFLICT (key, day) DO NOTHING`);
    const [row] = await queryRows<{ count: number }>(tx, sql`SELECT count FROM send_counters WHERE key = ${key} AND day = ${day}::date FOR UPDATE`);
    out.set(campaignId, { used: row?.count ?? 0, day });
  }
  return out;
}

async function loadVariants(tx: Db, campaignIds: string[]): Promise<Map<string, StepVariant[]>> {
  const rows = await queryRows<StepVariant & { campaign_id: string; position: number }>(tx, sql`
    SELECT s.campaign_id, s.position, s.id AS step_id, v.id, v.label, v.subject, v.body_text AS "bodyText", v.body_html AS "bodyHtml", v.weight
    FROM campaign_steps s JOIN step_variants v ON v.step_id = s.id
    WHERE s.campaign_id = ANY(${sqlArray(campaignIds, 'uuid')})
    ORDER BY s.position, v.label`);
  const map = new Map<string, StepVariant[]>();
  for (const r of rows) {
    const key = `${r.campaign_id}:${r.position}`;
    map.set(key, [...(map.get(key) ?? []), r]);
  }
  return map;
}

async function applyOutcomes(tx: Db, o: { skipped: { id: string; reason: string; stop: boolean }[]; paused: { id: string; reason: string }[]; later: { id: string; at: string }[] }) {
  if (o.skipped.length) {
    await tx.execute(sql`
      WITH r AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(o.skipped)}::jsonb) AS r(id uuid, reason text, stop boolean)),
      m AS (UPDATE messages m SET status = 'skipped', reason = r.reason, updated_at = now() FROM r WHERE m.id = r.id RETURNING m.enrollment_id, r.reason, r.stop)
      UPDATE enrollments e SET status = 'stopped', stop_reason = m.reason, updated_at = now() FROM m WHERE e.id = m.enrollment_id AND m.stop AND e.status = 'active'`);
  }
  if (o.paused.length) {
    await tx.execute(sql`UPDATE messages m SET status = 'paused', reason = r.reason, updated_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(o.paused)}::jsonb) AS r(id uuid, reason text) WHERE m.id = r.id`);
  }
  if (o.later.length) {
    await tx.execute(sql`UPDATE messages m SET send_at = r.at, updated_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(o.later)}::jsonb) AS r(id uuid, at timestamptz) WHERE m.id = r.id`);
  }
}

async function markSending(tx: Db, claimed: ClaimedMessage[], opts: ClaimOptions) {
  if (!claimed.length) return;
  const leaseUntil = new Date(opts.now.getTime() + opts.leaseMs).toISOString();
  const rows = claimed.map(({ candidate, sender, composed }) => ({
    id: candidate.id, sender_id: sender.id, variant_id: composed.variantId, step_id: composed.stepId, message_id_header: composed.email.messageId,
    to_email: composed.email.to.address, subject: composed.email.subject, body_text: composed.email.text, body_html: composed.email.html ?? null,
  }));
  await tx.execute(sql`
    UPDATE messages m SET status = 'sending', attempts = m.attempts + 1, lease_until = ${leaseUntil}::timestamptz, leased_by = ${opts.workerId},
      sender_id = r.sender_id, variant_id = r.variant_id, step_id = r.step_id, message_id_header = r.message_id_header, to_email = r.to_email,
      subject = r.subject, body_text = r.body_text, body_html = r.body_html, updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS r(id uuid, sender_id uuid, variant_id uuid, step_id uuid, message_id_header text, to_email text, subject text, body_text text, body_html text)
    WHERE m.id = r.id`);
  const links = claimed.flatMap(({ candidate, composed }) => composed.links.map((l) => ({ message_id: candidate.id, position: l.position, url: l.url })));
  if (links.length) {
    await tx.execute(sql`
      INSERT INTO message_links (message_id, position, url)
      SELECT message_id, position, url FROM jsonb_to_recordset(${JSON.stringify(links)}::jsonb) AS r(message_id uuid, position int, url text)
      ON CONFLICT (message_id, position) DO UPDATE SET url = EXCLUDED.url`);
  }
}

async function saveCounters(tx: Db, claimed: ClaimedMessage[], slots: Map<string, SenderSlot>, now: Date, countQuota: boolean) {
  if (!claimed.length) return;
  const increments = new Map<string, { key: string; day: string; n: number }>();
  const bump = (key: string, day: string) => {
    const k = `${key}|${day}`;
    const entry = increments.get(k) ?? { key, day, n: 0 };
    entry.n += 1;
    increments.set(k, entry);
  };
  for (const { candidate, sender } of claimed) {
    bump(`sender:${sender.id}`, utcDay(now));
    if (candidate.step_position === 1 && candidate.daily_new_limit !== null) bump(`campaign:${candidate.campaign_id}`, localDay(candidate.timezone, now));
    if (countQuota) bump(quotaKey(candidate.workspace_id), quotaMonth(now));
  }
  await tx.execute(sql`
    INSERT INTO send_counters (key, day, count)
    SELECT key, day, n FROM jsonb_to_recordset(${JSON.stringify([...increments.values()])}::jsonb) AS r(key text, day date, n int)
    ON CONFLICT (key, day) DO UPDATE SET count = send_counters.count + EXCLUDED.count`);
  const paced = [...slots.values()].filter((s) => s.claimedNow > 0 && !gapless(s)).map((s) => ({ id: s.row.id, at: s.nextSendAt.toISOString() }));
  if (paced.length) {
    await tx.execute(sql`UPDATE sender_pacing p SET next_send_at = r.at
      FROM jsonb_to_recordset(${JSON.stringify(paced)}::jsonb) AS r(id uuid, at timestamptz) WHERE p.sender_id = r.id`);
  }
}
