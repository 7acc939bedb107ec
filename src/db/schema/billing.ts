import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './workspaces.js';

/**
 * A workspace's Stripe subscription as we last read it from Stripe (webhooks re-fetch the
 * subscription, so this is Stripe's current state, not the last event's). A workspace without a
 * row is on the free plan. Monthly message usage lives in send_counters (`quota:<workspaceId>`,
 * day = first of the month), where the sending engine already counts under row locks; Stripe
 * event ids are deduplicated in webhook_events (source 'stripe').
 */
export const workspaceBilling = pgTable('workspace_billing', {
  workspaceId: uuid('workspace_id').primaryKey().references(() => workspaces.id, { onDelete: 'cascade' }),
  /** Plan key from the configured plans, resolved from the subscription's price. */
  plan: text('plan').notNull(),
  /** Stripe's subscription status (active, trialing, past_due, unpaid, canceled, incomplete…) or 'none'. */
  status: text('status').notNull().default('none'),
  stripeCustomerId: text('stripe_customer_id'),
  stripeSubscriptionId: text('stripe_subscription_id'),
  stripePriceId: text('stripe_price_id'),
  currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
  cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
  /** Set when a payment fails; until then the paid limits hold, afterwards the free ones. */
  graceUntil: timestamp('grace_until', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('workspace_billing_customer_key').on(t.stripeCustomerId),
  index('workspace_billing_subscription_idx').on(t.stripeSubscriptionId),
]);
