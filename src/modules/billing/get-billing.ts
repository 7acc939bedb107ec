import type { BillingConfig, Config, PlanLimits } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { WorkspaceScope } from '../../http/context.js';
import { can } from '../workspaces/permissions.js';
import { countHeld, type HeldLimit } from './limits.js';
import { billingRow, effectivePlan, subscribedPlan } from './plans.js';
import { messagesThisMonth, quotaMonth, quotaPausedCampaigns } from './quota.js';

const HELD: HeldLimit[] = ['senders', 'pages', 'contacts', 'seats'];

const planView = (p: BillingConfig['plans'][number]) => ({ key: p.key, name: p.name, limits: p.limits, purchasable: p.priceId !== null });

/** Everything the billing page shows: the plan in force, the subscription behind it, usage against each limit. */
export async function getBilling(db: Db, config: Pick<Config, 'billing'>, scope: WorkspaceScope, now = new Date()) {
  const billing = config.billing!;
  const row = await billingRow(db, scope.workspaceId);
  const { plan, standing } = effectivePlan(billing, row, now);
  const usage = { messagesPerMonth: await messagesThisMonth(db, scope.workspaceId, now) } as PlanLimits & Record<keyof PlanLimits, number>;
  for (const limit of HELD) usage[limit] = await countHeld(db, limit, scope.workspaceId);
  const hasSubscription = Boolean(row?.stripeSubscriptionId);
  return {
    plan: planView(plan),
    standing,
    subscription: row && hasSubscription ? {
      plan: planView(subscribedPlan(billing, row)),
      status: row.status,
      currentPeriodEnd: row.currentPeriodEnd?.toISOString() ?? null,
      cancelAtPeriodEnd: row.cancelAtPeriodEnd,
      graceUntil: row.graceUntil?.toISOString() ?? null,
    } : null,
    usage,
    /** The month messages are counted in (UTC). */
    usagePeriodStart: quotaMonth(now),
    plans: billing.plans.map(planView),
    canManage: can(scope.role, 'billing.manage'),
    hasCustomer: Boolean(row?.stripeCustomerId),
    quotaPausedCampaigns: await quotaPausedCampaigns(db, scope.workspaceId),
  };
}
