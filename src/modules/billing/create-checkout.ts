import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { conflict, fieldError } from '../../lib/problems.js';
import { saveCustomer } from './apply-subscription.js';
import { billingRow } from './plans.js';
import { stripeFailed, stripeFor } from './stripe-client.js';

const OPEN = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused']);

/**
 * Upgrade: a Stripe Checkout session in subscription mode for the plan's price, tied to the
 * workspace by client_reference_id and subscription metadata (webhooks find it by either).
 * The workspace's Stripe customer is created once, under an idempotency key derived from the
 * workspace, so two racing upgrades share one customer.
 */
export async function createCheckout(db: Db, config: Pick<Config, 'billing' | 'publicUrl'>, who: { workspaceId: string; workspaceName: string; email: string | null }, planKey: string) {
  const billing = config.billing!;
  const plan = billing.plans.find((p) => p.key === planKey && p.priceId !== null);
  if (!plan) throw fieldError('plan', `is not a plan you can buy (${billing.plans.filter((p) => p.priceId).map((p) => p.key).join(', ') || 'none configured'})`);
  const row = await billingRow(db, who.workspaceId);
  // One subscription per workspace: plan changes and failed payments are handled in the portal.
  if (row?.stripeSubscriptionId && OPEN.has(row.status)) {
    throw conflict('This workspace already has a subscription; change the plan or the payment method under "Manage billing".');
  }
  const stripe = stripeFor(billing);
  let customerId = row?.stripeCustomerId ?? null;
  try {
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
    throw stripeFailed(err, 'start Checkout');
  }
}
