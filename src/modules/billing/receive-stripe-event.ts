import type Stripe from 'stripe';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { webhookEvents } from '../../db/schema/index.js';
import type { Deps } from '../../http/context.js';
import { AppError } from '../../lib/problems.js';
import { applySubscription, saveCustomer, workspaceFor } from './apply-subscription.js';
import { resumeQuotaPaused } from './quota.js';
import { stripeFor } from './stripe-client.js';

/** Stripe's recommended window: a signature older than this is a replay, not a delivery. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export const HANDLED_EVENTS = [
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
] as const;

const SOURCE = 'stripe';

export type ReceiveResult = { outcome: 'processed' | 'duplicate' | 'ignored'; eventId: string; type: string; workspaceId: string | null };

const idOf = (x: string | { id: string } | null | undefined) => (typeof x === 'string' ? x : x?.id ?? null);

/** Checks Stripe-Signature over the exact bytes received; anything wrong is a 400 and nothing changes. */
export function verifyStripeEvent(deps: Pick<Deps, 'config'>, raw: Buffer, signature: string | string[] | undefined): Stripe.Event {
  const billing = deps.config.billing!;
  if (!billing.webhookSecret) throw new AppError(503, 'billing-webhook-not-configured', 'STRIPE_WEBHOOK_SECRET is not set on this instance, so Stripe webhooks cannot be verified.');
  if (typeof signature !== 'string' || !signature) throw new AppError(400, 'invalid-signature', 'The Stripe-Signature header is missing.');
  try {
    return stripeFor(billing).webhooks.constructEvent(raw, signature, billing.webhookSecret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (err) {
    throw new AppError(400, 'invalid-signature', `Stripe-Signature does not verify: ${(err as Error).message}`);
  }
}

/** Which subscription an event is about, to re-fetch; and the hints that name its workspace. */
function subjectOf(event: Stripe.Event): { subscriptionId: string | null; customerId: string | null; workspaceId: string | null } {
  const object = event.data.object as unknown as Record<string, unknown>;
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      return { subscriptionId: idOf(session.subscription), customerId: idOf(session.customer), workspaceId: session.client_reference_id };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const sub = event.data.object;
      return { subscriptionId: sub.id, customerId: idOf(sub.customer), workspaceId: sub.metadata?.workspace_id ?? null };
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      const details = invoice.parent?.subscription_details;
      return { subscriptionId: idOf(details?.subscription), customerId: idOf(invoice.customer), workspaceId: details?.metadata?.workspace_id ?? null };
    }
    default:
      return { subscriptionId: null, customerId: typeof object.customer === 'string' ? object.customer : null, workspaceId: null };
  }
}

/**
 * One verified event: deduplicated by its id (a redelivery is acknowledged and changes nothing),
 * and applied by re-fetching the subscription it concerns, so an old event delivered late writes
 * today's state instead of yesterday's. The event id is recorded in the same transaction that
 * applies it: if anything fails, Stripe's retry finds it unprocessed.
 */
export async function receiveStripeEvent(deps: Pick<Deps, 'config' | 'db' | 'log'>, event: Stripe.Event): Promise<ReceiveResult> {
  const billing = deps.config.billing!;
  const base = { eventId: event.id, type: event.type };
  const [seen] = await deps.db.select({ id: webhookEvents.id }).from(webhookEvents).where(and(eq(webhookEvents.source, SOURCE), eq(webhookEvents.dedupeKey, event.id)));
  if (seen) return { ...base, outcome: 'duplicate', workspaceId: null };

  const handled = (HANDLED_EVENTS as readonly string[]).includes(event.type);
  const subject = handled ? subjectOf(event) : { subscriptionId: null, customerId: null, workspaceId: null };
  const subscription = subject.subscriptionId ? await stripeFor(billing).subscriptions.retrieve(subject.subscriptionId) : null;

  const result = await deps.db.transaction(async (tx): Promise<ReceiveResult> => {
    const t = tx as unknown as Db;
    const inserted = await t.insert(webhookEvents)
      .values({ source: SOURCE, dedupeKey: event.id, payload: { id: event.id, type: event.type, created: event.created }, processedAt: new Date(), attempts: 1 })
      .onConflictDoNothing({ target: [webhookEvents.source, webhookEvents.dedupeKey] }).returning({ id: webhookEvents.id });
    if (!inserted.length) return { ...base, outcome: 'duplicate', workspaceId: null };
    if (!handled) return { ...base, outcome: 'ignored', workspaceId: null };
    const workspaceId = await workspaceFor(t, {
      metadataWorkspaceId: subject.workspaceId ?? subscription?.metadata?.workspace_id ?? null,
      customerId: subject.customerId ?? idOf(subscription?.customer),
    });
    if (!workspaceId) return { ...base, outcome: 'ignored', workspaceId: null };
    if (subject.customerId) await saveCustomer(t, billing, workspaceId, subject.customerId);
    if (subscription) await applySubscription(t, { billing, log: deps.log }, workspaceId, subscription, new Date(event.created * 1000));
    return { ...base, outcome: 'processed', workspaceId };
  });

  // A paid plan (or a payment) may have made room: messages waiting for quota go back in the queue.
  if (result.workspaceId) await resumeQuotaPaused(deps.db, billing, result.workspaceId);
  return result;
}
