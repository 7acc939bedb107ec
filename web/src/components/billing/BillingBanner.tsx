import { Link } from '@tanstack/react-router';
import { useBilling } from '../../api/billing';
import { useSession } from '../../api/me';
import { formatDate, pluralize } from '../../lib/format';
import { buttonClassName } from '../ui/Button';
import { Icon } from '../ui/Icon';

/**
 * Across every page while something about the plan needs attention: a failed payment (grace
 * period, then free limits) or campaigns waiting because the monthly quota is used up.
 * Nothing at all on an instance without billing.
 */
export function BillingBanner() {
  const { me, workspace } = useSession();
  const enabled = me.features.billing && workspace !== null;
  const billing = useBilling(workspace?.id ?? '', { enabled });
  if (!enabled || !billing.data) return null;
  const b = billing.data;
  const waiting = b.quotaPausedCampaigns.length;

  let title: string;
  let text: string;
  if (b.standing === 'grace') {
    title = 'Payment failed';
    text = ` Update the payment method${b.subscription?.graceUntil ? ` by ${formatDate(b.subscription.graceUntil)}` : ''} to keep the ${b.plan.name} plan; after that the free limits apply. Nothing is deleted.`;
  } else if (b.standing === 'lapsed') {
    title = 'Payment overdue';
    text = ` This workspace has the ${b.plan.name} plan's limits until the open invoice is paid. Nothing was deleted.`;
  } else if (waiting) {
    title = 'Monthly message quota reached';
    text = ` ${pluralize(waiting, 'campaign')} ${waiting === 1 ? 'is' : 'are'} waiting; ${b.canManage ? 'upgrade' : 'ask the owner to upgrade'} to send the rest this month.`;
  } else {
    return null;
  }
  return (
    <div className="banner" role="region" aria-label="Billing">
      <Icon name="alert" className="banner-icon" />
      <p className="banner-text">
        <strong>{title}</strong>
        <span>{text}</span>
      </p>
      <Link to="/billing" className={buttonClassName('secondary', 'sm')}>
        {b.canManage ? 'Go to billing' : 'See plan'}
      </Link>
    </div>
  );
}
