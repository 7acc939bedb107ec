import Stripe from 'stripe';
import type { BillingConfig } from '../../config.js';
import { AppError } from '../../lib/problems.js';

const clients = new WeakMap<BillingConfig, Stripe>();

/**
 * One SDK client per configuration. STRIPE_API_BASE moves its host/port/protocol (tests use the
 * fake in test/fakes/stripe.ts). Network failures and 5xx are retried by the SDK with the same
 * Idempotency-Key, so a retried POST never creates a second object.
 */
export function stripeFor(billing: BillingConfig): Stripe {
  let client = clients.get(billing);
  if (!client) {
    client = new Stripe(billing.secretKey, {
      ...(billing.api ?? {}),
      maxNetworkRetries: 2,
      timeout: 15_000,
      telemetry: false,
      appInfo: { name: 'MessageSender' },
    });
    clients.set(billing, client);
  }
  return client;
}

/** A Stripe API failure as our problem type: 502, with Stripe's own message (never the key). */
export function stripeFailed(err: unknown, doing: string): AppError {
  if (err instanceof Stripe.errors.StripeError) {
    return new AppError(502, 'billing-provider-error', `Stripe refused to ${doing}: ${err.message}`, undefined, { stripeCode: err.code ?? null, stripeType: err.type });
  }
  return new AppError(502, 'billing-provider-error', `Could not reach Stripe to ${doing}: ${(err as Error).message}`);
}
