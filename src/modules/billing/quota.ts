import { sql } from 'drizzle-orm';
import type { BillingConfig, Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { queryRows, sqlArray } from '../../db/sql-helpers.js';
import { paymentRequired } from '../../lib/problems.js';
import { billingRows, effectivePlan } from './plans.js';

/**
 * Monthly message quota. The count lives in send_counters under key `quota:<workspaceId>` with
 * day = the first of the month (UTC), so the sending engine bumps it in the same transaction and
 * under the same kind of row lock as its other caps: with any number of workers a workspace
 * never sends past its allowance, and a send that did not happen gives its unit back.
 */
export const QUOTA_REASON = 'monthly message quota reached — upgrade your plan to send more';

export const quotaKey = (workspaceId: string) => `quota:${workspaceId}`;

/** First day of the calendar month (UTC) `now` is in, as YYYY-MM-DD. */
export const quotaMonth = (now: Date) => `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01`;

export interface QuotaSlot {
  used: number;
  /** null = the plan has no monthly limit. */
  allowed: number | null;
}

/**
 * Locks the quota rows of these workspaces for the rest of the transaction (in key order, so
 * two workers never wait on each other in a cycle) and reads how much each has left.
 */
export async function lockQuotas(tx: Db, billing: BillingConfig, workspaceIds: string[], now: Date): Promise<Map<string, QuotaSlot>> {
  const ids = [...new Set(workspaceIds)].sort();
  if (!ids.length) return new Map();
  const month = quotaMonth(now);
  const keys = ids.map(quotaKey);
  await tx.execute(sql`INSERT INTO send_counters (key, day, count) SELECT unnest(${sqlArray(keys, 'text')}), ${month}::date, 0 ON CONFLICT (key, day) DO NOTHING`);
  const rows = await queryRows<{ key: string; count: number }>(tx, sql`
    SELECT key, count FROM send_counters WHERE key = ANY(${sqlArray(keys, 'text')}) AND day = ${month}::date ORDER BY key FOR UPDATE`);
  const used = new Map(rows.map((r) => [r.key.slice('quota:'.length), r.count]));
  const plans = await billingRows(tx, ids);
  return new Map(ids.map((id) => [id, { used: used.get(id) ?? 0, allowed: effectivePlan(billing, plans.get(id), now).plan.limits.messagesPerMonth }]));
}

/** Messages counted this month (no lock: for display). */
export async function messagesThisMonth(db: Db, workspaceId: string, now: Date): Promise<number> {
  const [row] = await queryRows<{ count: number }>(db, sql`SELECT count FROM send_counters WHERE key = ${quotaKey(workspaceId)} AND day = ${quotaMonth(now)}::date`);
  return row?.count ?? 0;
}

/**
 * Takes `n` messages from the month's quota or answers 402 (for sends outside the campaign
 * engine, e.g. Messenger broadcasts). Call inside the transaction that records the send, so a
 * rollback returns them.
 */
export async function reserveMessages(tx: Db, config: Pick<Config, 'billing' | 'publicUrl'>, workspaceId: string, n: number, now = new Date()) {
  if (!config.billing || n <= 0) return;
  const slot = (await lockQuotas(tx, config.billing, [workspaceId], now)).get(workspaceId)!;
  if (slot.allowed !== null && slot.used + n > slot.allowed) throw quotaExceeded(config, slot, await planName(tx, config.billing, workspaceId, now));
  await tx.execute(sql`UPDATE send_counters SET count = count + ${n} WHERE key = ${quotaKey(workspaceId)} AND day = ${quotaMonth(now)}::date`);
}

/** Gives back units a send took but did not use (the engine's failed attempts). */
export async function releaseMessages(tx: Db, workspaceId: string, month: string, n = 1) {
  await tx.execute(sql`UPDATE send_counters SET count = greatest(0, count - ${n}) WHERE key = ${quotaKey(workspaceId)} AND day = ${month}::date`);
}

/** 402 before starting work that can only send (launching or resuming a campaign) when nothing is left this month. */
export async function assertQuotaLeft(db: Db, config: Pick<Config, 'billing' | 'publicUrl'>, workspaceId: string, now = new Date()) {
  if (!config.billing) return;
  const slot = (await quotaRoom(db, config.billing, [workspaceId], now)).get(workspaceId)!;
  if (slot.allowed !== null && slot.used >= slot.allowed) throw quotaExceeded(config, slot, await planName(db, config.billing, workspaceId, now));
}

async function planName(db: Db, billing: BillingConfig, workspaceId: string, now: Date) {
  return effectivePlan(billing, (await billingRows(db, [workspaceId])).get(workspaceId), now).plan.name;
}

function quotaExceeded(config: Pick<Config, 'publicUrl'>, slot: QuotaSlot, plan: string) {
  return paymentRequired(`The ${plan} plan allows ${slot.allowed} messages a month and ${slot.used} have been sent this month. Upgrade to send more.`, {
    limit: 'messagesPerMonth', plan, allowed: slot.allowed ?? 0, used: slot.used, upgradeUrl: `${config.publicUrl}/billing`,
  });
}

/**
 * Messages the engine paused for the quota go back in the queue once the workspace has room
 * again (an upgrade, a payment, a new month). Only running campaigns; the claim pauses them again
 * if the room is already gone.
 */
export async function resumeQuotaPaused(db: Db, billing: BillingConfig, workspaceId: string, now = new Date()): Promise<number> {
  const slot = (await quotaRoom(db, billing, [workspaceId], now)).get(workspaceId)!;
  if (slot.allowed !== null && slot.used >= slot.allowed) return 0;
  const rows = await queryRows<{ id: string }>(db, sql`
    UPDATE messages m SET status = 'scheduled', reason = NULL, updated_at = now()
    WHERE m.campaign_id IN (SELECT id FROM campaigns WHERE workspace_id = ${workspaceId} AND status = 'running')
      AND m.status = 'paused' AND m.reason = ${QUOTA_REASON}
    RETURNING m.id`);
  return rows.length;
}

/** The campaign tick's pass: every workspace with quota-paused messages that has room again. */
export async function resumeAllQuotaPaused(db: Db, billing: BillingConfig, now = new Date()): Promise<number> {
  const waiting = await queryRows<{ workspace_id: string }>(db, sql`
    SELECT DISTINCT c.workspace_id FROM campaigns c
    WHERE c.status = 'running' AND EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = c.id AND m.status = 'paused' AND m.reason = ${QUOTA_REASON})`);
  let resumed = 0;
  for (const { workspace_id } of waiting) resumed += await resumeQuotaPaused(db, billing, workspace_id, now);
  return resumed;
}

async function quotaRoom(db: Db, billing: BillingConfig, workspaceIds: string[], now: Date): Promise<Map<string, QuotaSlot>> {
  const plans = await billingRows(db, workspaceIds);
  const out = new Map<string, QuotaSlot>();
  for (const id of workspaceIds) out.set(id, { used: await messagesThisMonth(db, id, now), allowed: effectivePlan(billing, plans.get(id), now).plan.limits.messagesPerMonth });
  return out;
}

/** Campaigns of the workspace with messages waiting for quota, for the billing page and banner. */
export async function quotaPausedCampaigns(db: Db, workspaceId: string) {
  return queryRows<{ id: string; name: string; messages: number }>(db, sql`
    SELECT c.id, c.name, count(*)::int AS messages FROM campaigns c JOIN messages m ON m.campaign_id = c.id AND m.status = 'paused' AND m.reason = ${QUOTA_REASON}
    WHERE c.workspace_id = ${workspaceId} AND c.status IN ('running', 'paused')
    GROUP BY c.id, c.name ORDER BY c.name`);
}
