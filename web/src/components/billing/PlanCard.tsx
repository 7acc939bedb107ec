import type { Billing } from '../../api/billing';
import { errorMessage } from '../../api/errors';
import { usePortal } from '../../api/billing';
import { formatDate } from '../../lib/format';
import { Badge, type BadgeTone } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { useToast } from '../ui/Toast';

const standingBadge: Record<Billing['standing'], { tone: BadgeTone; label: string }> = {
  free: { tone: 'neutral', label: 'Free' },
  active: { tone: 'success', label: 'Active' },
  grace: { tone: 'warning', label: 'Payment failed' },
  lapsed: { tone: 'danger', label: 'Payment overdue' },
};

/** What the workspace pays for now, and until when. */
function renewalText(billing: Billing): string {
  const sub = billing.subscription;
  if (!sub || billing.standing === 'free') return 'No paid subscription. Upgrade to raise the limits below.';
  const end = sub.currentPeriodEnd ? formatDate(sub.currentPeriodEnd) : null;
  if (billing.standing === 'grace') return `A payment failed. The ${sub.plan.name} limits hold until ${sub.graceUntil ? formatDate(sub.graceUntil) : 'the grace period ends'}; update the payment method to keep them.`;
  if (billing.standing === 'lapsed') return `A payment failed and the grace period is over, so the ${billing.plan.name} limits apply. Nothing was deleted; pay the open invoice to restore ${sub.plan.name}.`;
  if (sub.cancelAtPeriodEnd) return end ? `Cancelled: ends on ${end}, then the free limits apply.` : 'Cancelled at the end of the period.';
  return end ? `Renews on ${end}.` : 'Active.';
}

export function PlanCard({ billing }: { billing: Billing }) {
  const portal = usePortal();
  const toast = useToast();
  const badge = standingBadge[billing.standing];
  return (
    <Card aria-labelledby="billing-plan-title">
      <CardHeader
        titleId="billing-plan-title"
        title={`${billing.plan.name} plan`}
        description={renewalText(billing)}
        actions={
          billing.canManage && billing.hasCustomer && (
            <Button
              variant="secondary"
              icon="settings"
              loading={portal.isPending}
              onClick={() => portal.mutate(undefined, { onError: (error) => toast.error("Couldn't open billing", errorMessage(error)) })}
            >
              Manage billing
            </Button>
          )
        }
      />
      <CardBody>
        <p className="billing-status">
          Status <Badge tone={badge.tone} dot>{badge.label}</Badge>
          {billing.subscription && <span className="billing-status-detail">Stripe: {billing.subscription.status.replace('_', ' ')}</span>}
        </p>
      </CardBody>
    </Card>
  );
}
