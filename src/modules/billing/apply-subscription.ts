import type Stripe from 'stripe';
import { eq, sql } from 'drizzle-orm';
import type { BillingConfig } from '../../config.js';
import type { Db } from '../../db/client.js';
import { workspaceBilling } from '../../db/schema/index.js';
import type { Logger } from '../../lib/logger.js';
import { IN_ARREARS } from './plans.js';

/** A subscription in one of these states is the workspace's subscription of record. */
const CURRENT = new Set(['active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused']);

const DAY_MS = 86_400_000;

const idOf = (x: string | { id: string } | null | undefined) => (typeof x === 'string' ? x : x?.id ?? null);

/** Remembers the Stripe customer of a workspace (created before Checkout, or learnt from it). */
export async function saveCustomer(tx: Db, billing: BillingConfig, workspaceId: string, customerId: string) {
  await tx.insert(workspaceBilling).values({ workspaceId, plan: billing.freePlan.key, stripeCustomerId: customerId })
    .onConflictDoUpdate({ target: workspaceBilling.workspaceId, set: { stripeCustomerId: customerId, updatedAt: new Date() } });
}

/**
 * Writes a subscription as Stripe has it now (the caller fetched it fresh, so the order events
 * arrive in does not matter). A subscription that ended while the workspace already has another
 * one is history and changes nothing. A failed payment starts the grace period once, from the
 * moment it failed; a paid one ends it.
 */
export async function applySubscription(tx: Db, deps: { billing: BillingConfig; log: Logger }, workspaceId: string, sub: Stripe.Subscription, failedAt: Date) {
  const { billing } = deps;
  const [current] = await tx.select().from(workspaceBilling).where(eq(workspaceBilling.workspaceId, workspaceId)).for('update');
  if (current?.stripeSubscriptionId && current.stripeSubscriptionId !== sub.id && !CURRENT.has(sub.status)) return false;

  const item = sub.items.data[0];
  const priceId = item?.price.id ?? null;
  const plan = billing.plans.find((p) => p.priceId !== null && p.priceId === priceId);
  if (!plan) deps.log.warn({ workspaceId, subscriptionId: sub.id, priceId }, 'stripe subscription has a price no configured plan names; free limits apply');
  const periodEnds = sub.items.data.map((i) => i.current_period_end).filter((x): x is number => typeof x === 'number');
  const currentPeriodEnd = periodEnds.length ? new Date(Math.max(...periodEnds) * 1000) : null;
  const graceUntil = IN_ARREARS.has(sub.status) ? current?.graceUntil ?? new Date(failedAt.getTime() + billing.graceDays * DAY_MS) : null;
  const values = {
    plan: plan?.key ?? billing.freePlan.key,
    status: sub.status,
    stripeCustomerId: idOf(sub.customer),
    stripeSubscriptionId: sub.id,
    stripePriceId: priceId,
    currentPeriodEnd,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    graceUntil,
    updatedAt: new Date(),
  };
  await tx.insert(workspaceBilling).values({ workspaceId, ...values })
    .onConflictDoUpdate({ target: workspaceBilling.workspaceId, set: values });
  return true;
}

/** The workspace a Stripe object belongs to: our metadata first, else the customer we stored. */
export async function workspaceFor(tx: Db, hints: { metadataWorkspaceId?: string | null; customerId?: string | null }): Promise<string | null> {
  const candidate = hints.metadataWorkspaceId;
  if (candidate && /^[0-9a-f-]{36}$/i.test(candidate)) {
    const rows = await tx.execute(sql`SELECT id FROM workspaces WHERE id = ${candidate}`);
    if ((rows as unknown as { rows: unknown[] }).rows.length) return candidate;
  }
  if (hints.customerId) {
    const [row] = await tx.select({ id: workspaceBilling.workspaceId }).from(workspaceBilling).where(eq(workspaceBilling.stripeCustomerId, hints.customerId));
    if (row) return row.id;
  }
  return null;
}
