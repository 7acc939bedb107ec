import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { conflict } from '../../lib/problems.js';
import { billingRow } from './plans.js';
import { stripeFailed, stripeFor } from './stripe-client.js';

/** "Manage billing": a Stripe Customer Portal session (payment method, plan changes, cancellation, invoices). */
export async function createPortal(db: Db, config: Pick<Config, 'billing' | 'publicUrl'>, workspaceId: string) {
  const row = await billingRow(db, workspaceId);
  if (!row?.stripeCustomerId) throw conflict('This workspace has never subscribed; choose a plan first.');
  try {
    const session = await stripeFor(config.billing!).billingPortal.sessions.create(
      { customer: row.stripeCustomerId, return_url: `${config.publicUrl}/billing` },
      { idempotencyKey: `portal-${workspaceId}-${randomUUID()}` },
    );
    return { url: session.url };
  } catch (err) {
    throw stripeFailed(err, 'open the billing portal');
  }
}
