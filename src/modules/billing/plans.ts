import { eq, inArray } from 'drizzle-orm';
import type { BillingConfig, Plan } from '../../config.js';
import type { Db } from '../../db/client.js';
import { workspaceBilling } from '../../db/schema/index.js';

export type BillingRow = typeof workspaceBilling.$inferSelect;

/**
 * Where a workspace stands: on the free plan (never paid, or cancelled), paying, in the grace
 * period after a failed payment (paid limits still hold), or lapsed (grace over: free limits, data kept).
 */
export type Standing = 'free' | 'active' | 'grace' | 'lapsed';

const PAYING = new Set(['active', 'trialing']);
/** A payment failed but Stripe still retries: the grace period applies. */
export const IN_ARREARS = new Set(['past_due', 'unpaid']);

/** The plan a subscription row names: by its price first (plans may be renamed), else by key. */
export function subscribedPlan(billing: BillingConfig, row: Pick<BillingRow, 'plan' | 'stripePriceId'>): Plan {
  return billing.plans.find((p) => p.priceId !== null && p.priceId === row.stripePriceId)
    ?? billing.plans.find((p) => p.key === row.plan)
    ?? billing.freePlan;
}

/** The limits that apply now. */
export function effectivePlan(billing: BillingConfig, row: BillingRow | null | undefined, now: Date): { plan: Plan; standing: Standing } {
  if (!row) return { plan: billing.freePlan, standing: 'free' };
  if (PAYING.has(row.status)) return { plan: subscribedPlan(billing, row), standing: 'active' };
  if (IN_ARREARS.has(row.status)) {
    return row.graceUntil && row.graceUntil > now ? { plan: subscribedPlan(billing, row), standing: 'grace' } : { plan: billing.freePlan, standing: 'lapsed' };
  }
  return { plan: billing.freePlan, standing: 'free' };
}

export async function billingRow(db: Db, workspaceId: string): Promise<BillingRow | null> {
  const [row] = await db.select().from(workspaceBilling).where(eq(workspaceBilling.workspaceId, workspaceId));
  return row ?? null;
}

export async function billingRows(db: Db, workspaceIds: string[]): Promise<Map<string, BillingRow>> {
  if (!workspaceIds.length) return new Map();
  const rows = await db.select().from(workspaceBilling).where(inArray(workspaceBilling.workspaceId, workspaceIds));
  return new Map(rows.map((r) => [r.workspaceId, r]));
}

export async function workspacePlan(db: Db, billing: BillingConfig, workspaceId: string, now = new Date()) {
  return effectivePlan(billing, await billingRow(db, workspaceId), now);
}
