import { sql } from 'drizzle-orm';
import type { Config, PlanLimits } from '../../config.js';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/sql-helpers.js';
import { paymentRequired } from '../../lib/problems.js';
import { workspacePlan } from './plans.js';

/** The limits counted from what a workspace holds (messages are counted as they are sent: quota.ts). */
export type HeldLimit = Exclude<keyof PlanLimits, 'messagesPerMonth'>;

const WHAT: Record<HeldLimit, [one: string, many: string]> = {
  senders: ['sending account', 'sending accounts'],
  pages: ['Facebook Page', 'Facebook Pages'],
  contacts: ['contact', 'contacts'],
  seats: ['seat', 'seats (members and pending invites)'],
};

/** One advisory-lock namespace for "add to a limited resource" (two-key form: namespace, hash of limit + workspace). */
const LIMIT_LOCK = 74_201;

/** What counts against each limit: erased contacts and disconnected pages do not; a pending invite holds a seat. */
export async function countHeld(db: Db, limit: HeldLimit, workspaceId: string): Promise<number> {
  const query = {
    senders: sql`SELECT count(*)::int AS n FROM sender_accounts WHERE workspace_id = ${workspaceId}`,
    pages: sql`SELECT count(*)::int AS n FROM facebook_pages WHERE workspace_id = ${workspaceId} AND status <> 'disconnected'`,
    contacts: sql`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = ${workspaceId} AND status <> 'erased'`,
    seats: sql`SELECT (SELECT count(*) FROM memberships WHERE workspace_id = ${workspaceId})
      + (SELECT count(*) FROM invites WHERE workspace_id = ${workspaceId} AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now())
      AS n`,
  }[limit];
  const [row] = await queryRows<{ n: number | string }>(db, query);
  return Number(row?.n ?? 0);
}

/**
 * Answers 402 when adding `adding` more would pass the plan's limit. Inside a transaction it also
 * takes a per-workspace lock for this limit, so two requests racing for the last slot cannot
 * both get it; call it in the transaction that inserts. Without billing it does nothing.
 */
export async function assertWithinLimit(tx: Db, config: Pick<Config, 'billing' | 'publicUrl'>, workspaceId: string, limit: HeldLimit, adding = 1) {
  if (!config.billing || adding <= 0) return;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${sql.raw(String(LIMIT_LOCK))}, hashtext(${`${limit}:${workspaceId}`}))`);
  const { plan } = await workspacePlan(tx, config.billing, workspaceId);
  const allowed = plan.limits[limit];
  if (allowed === null) return;
  const used = await countHeld(tx, limit, workspaceId);
  if (used + adding <= allowed) return;
  const [one, many] = WHAT[limit];
  const detail = adding === 1
    ? `The ${plan.name} plan allows ${allowed} ${allowed === 1 ? one : many} and this workspace has ${used}. Upgrade to add more.`
    : `The ${plan.name} plan allows ${allowed} ${many}; this workspace has ${used} and this would add ${adding}. Upgrade to add more.`;
  throw paymentRequired(detail, { limit, plan: plan.name, allowed, used, upgradeUrl: `${config.publicUrl}/billing` });
}

/** Runs `fn` in a transaction that first checks (and holds) the limit; without billing it just runs `fn`. */
export async function withinLimit<T>(db: Db, config: Pick<Config, 'billing' | 'publicUrl'>, workspaceId: string, limit: HeldLimit, fn: (db: Db) => Promise<T>, adding = 1): Promise<T> {
  if (!config.billing) return fn(db);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await assertWithinLimit(t, config, workspaceId, limit, adding);
    return fn(t);
  });
}
