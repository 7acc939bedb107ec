import { useEffect } from 'react';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useBilling } from '../api/billing';
import { useSession, useWorkspace } from '../api/me';
import { InvoicesCard } from '../components/billing/InvoicesCard';
import { PlanCard } from '../components/billing/PlanCard';
import { PlansCard } from '../components/billing/PlansCard';
import { UsageCard } from '../components/billing/UsageCard';
import { PageHeader } from '../components/layout/PageHeader';
import { Alert } from '../components/ui/Alert';
import { Button } from '../components/ui/Button';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { Skeleton } from '../components/ui/Skeleton';
import { pluralize } from '../lib/format';

const description = 'Your plan, what it allows and what this workspace uses.';

function BillingContent({ workspaceId }: { workspaceId: string }) {
  const { checkout } = useSearch({ from: '/app/billing' });
  const navigate = useNavigate();
  // Back from Checkout the webhook may still be on its way: ask again until the subscription shows.
  const billing = useBilling(workspaceId, { refetchInterval: checkout === 'success' ? 2000 : false });
  const confirmed = checkout === 'success' && billing.data?.standing === 'active';
  useEffect(() => {
    if (confirmed) void navigate({ to: '/billing', search: {}, replace: true });
  }, [confirmed, navigate]);

  if (billing.isPending) {
    return (
      <div className="stack" role="status" aria-label="Loading billing">
        <Skeleton height={120} />
        <Skeleton height={240} />
      </div>
    );
  }
  if (billing.isError) return <ErrorState title="Couldn't load billing" error={billing.error} onRetry={() => void billing.refetch()} retrying={billing.isFetching} />;
  const b = billing.data;
  return (
    <div className="stack">
      {checkout === 'success' && !confirmed && <Alert tone="info" title="Payment received">Confirming your subscription with Stripe…</Alert>}
      {checkout === 'cancelled' && (
        <Alert tone="info" title="Upgrade cancelled" action={<Button size="sm" variant="ghost" onClick={() => void navigate({ to: '/billing', search: {}, replace: true })}>Dismiss</Button>}>
          Nothing was charged.
        </Alert>
      )}
      {b.quotaPausedCampaigns.length > 0 && (
        <Alert tone="warning" title="Monthly message quota reached">
          {pluralize(b.quotaPausedCampaigns.length, 'campaign')} ({b.quotaPausedCampaigns.map((c) => `${c.name}: ${pluralize(c.messages, 'message')}`).join(', ')}) wait for next month or an upgrade; nothing was failed or skipped.
        </Alert>
      )}
      <PlanCard billing={b} />
      <UsageCard billing={b} />
      <PlansCard billing={b} />
      {b.canManage && <InvoicesCard workspaceId={workspaceId} hasCustomer={b.hasCustomer} />}
    </div>
  );
}

export function BillingPage() {
  const { me } = useSession();
  const { id } = useWorkspace();
  return (
    <div className="page">
      <PageHeader title="Billing" description={description} />
      {me.features.billing ? (
        <BillingContent workspaceId={id} />
      ) : (
        <EmptyState icon="info" title="Billing is not used on this instance" description="This is a self-hosted instance: there are no plans or limits." />
      )}
    </div>
  );
}
