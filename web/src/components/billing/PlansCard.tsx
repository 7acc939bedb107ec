import type { Billing } from '../../api/billing';
import { useCheckout } from '../../api/billing';
import { errorMessage } from '../../api/errors';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card, CardHeader } from '../ui/Card';
import { Table } from '../ui/Table';
import { useToast } from '../ui/Toast';
import { formatLimit, LIMITS } from './limits';

/** The plans on offer with their limits; Upgrade goes to Stripe Checkout. */
export function PlansCard({ billing }: { billing: Billing }) {
  const checkout = useCheckout();
  const toast = useToast();
  // With a subscription (even one whose payment failed) plans change in the portal, not in a second Checkout.
  const subscribed = billing.standing === 'active' || billing.standing === 'grace' || billing.standing === 'lapsed';
  return (
    <Card aria-labelledby="billing-plans-title">
      <CardHeader
        titleId="billing-plans-title"
        title="Plans"
        description={!billing.canManage ? 'Only the workspace owner can change the plan.' : subscribed ? 'Change or cancel the plan under "Manage billing".' : 'Upgrade to raise the limits. Payment is handled by Stripe.'}
      />
      <Table aria-label="Plans">
        <thead>
          <tr>
            <th scope="col">Plan</th>
            {LIMITS.map((l) => (
              <th scope="col" key={l.key}>{l.key === 'messagesPerMonth' ? 'Messages / month' : l.label}</th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {billing.plans.map((plan) => {
            const current = plan.key === billing.plan.key;
            return (
              <tr key={plan.key}>
                <th scope="row">
                  {plan.name} {current && <Badge tone="accent">Current</Badge>}
                </th>
                {LIMITS.map((l) => (
                  <td key={l.key}>{formatLimit(plan.limits[l.key])}</td>
                ))}
                <td>
                  {plan.purchasable && !current && billing.canManage && !subscribed && (
                    <Button
                      size="sm"
                      variant="primary"
                      loading={checkout.isPending && checkout.variables === plan.key}
                      disabled={checkout.isPending}
                      aria-label={`Upgrade to ${plan.name}`}
                      onClick={() => checkout.mutate(plan.key, { onError: (error) => toast.error("Couldn't start the upgrade", errorMessage(error)) })}
                    >
                      Upgrade
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </Card>
  );
}
