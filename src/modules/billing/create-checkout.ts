import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import type { Deps } from '../../http/context.js';
import { AppError, conflict, fieldError } from '../../lib/problems.js';
import { applySubscription, saveCustomer } from './apply-subscription.js';
import { billingRow } from './plans.js';
import { stripeFailed, stripeFor } from './stripe-client.js';

const OPEN = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused']);

/**
 * Upgrade: a Stripe Checkout session in subscription mode for the plan's price, tied to the
 * workspace by client_reference_id and subscription metadata (webhooks find it by either).
 * The workspace's Stripe customer is created once, under an idempotency key derived from the
 * workspace, so two racing upgrades share one customer.
 */
export async function createCheckout(deps: Pick<Deps, 'db' | 'config' | 'log'>, who: { workspaceId: string; workspaceName: string; email: string | null }, planKey: string) {
  const { db, config } = deps;
  const billing = config.billing!;
  const plan = billing.plans.find((p) => p.key === planKey && p.priceId !== null);
  if (!plan) throw fieldError('plan', `is not a plan you can buy (${billing.plans.filter((p) => p.priceId).map((p) => p.key).join(', ') || 'none configured'})`);
  const row = await billingRow(db, who.workspaceId);
  const stripe = stripeFor(billing);
  let customerId = row?.stripeCustomerId ?? null;
  try {
    // One subscription per workspace: plan changes and failed payments are handled in the portal.
    // Asked of Stripe, not only our copy, in case the event that ended it has not arrived yet.
    if (row?.stripeSubscriptionId && OPEN.has(row.status)) {
      const current = await stripe.subscriptions.retrieve(row.stripeSubscriptionId);
      if (OPEN.has(current.status)) throw conflict('This workspace already has a subscription; change the plan or the payment method under "Manage billing".');
      await db.transaction((tx) => applySubscription(tx as unknown as Db, { billing, log: deps.log }, who.workspaceId, current, new Date()));
    }
    if (!customerId) {
      const customer = await stripe.customers.create(
        { name: who.workspaceName, ...(who.email ? { email: who.email } : {}), metadata: { workspace_id: who.workspaceId } },
        { idempotencyKey: `customer-${who.workspaceId}` },
      );
      customerId = customer.id;
      await saveCustomer(db, billing, who.workspaceId, customerId);
    }
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customerId,
      client_reference_id: who.workspaceId,
      line_items: [{ price: plan.priceId!, quantity: 1 }],
      subscription_data: { metadata: { workspace_id: who.workspaceId, plan: plan.key } },
      metadata: { workspace_id: who.workspaceId, plan: plan.key },
      success_url: `${config.publicUrl}/billing?checkout=success`,
      cancel_url: `${config.publicUrl}/billing?checkout=cancelled`,
    }, { idempotencyKey: `checkout-${who.workspaceId}-${randomUUID()}` });
    if (!session.url) throw new Error('Stripe returned a Checkout session without a URL');
    return { url: session.url, sessionId: session.id };
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw stripeFailed(err, 'start Checkout');
  }
}
